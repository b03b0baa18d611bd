// « Déploiements » through the real platform (web + worker, local orchestrator): the board, a deployment's page
// with its steps, events and operator detail, its live stream for signed-in staff only, and the retry of a failure.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { freePort } from '../../../src/db/embedded-postgres.ts';
import { signInAs } from '../../helpers/admin.ts';
import { openForm, startTestPlatform, type TestPlatform } from '../../helpers/platform.ts';

const person = {
  nom: 'Martin', prenom: 'Julie', email: 'julie@martin-renovation.fr', entreprise: 'Martin Rénovation',
  telephone: '06 12 34 56 78', effectif: '1-5', plan: 'essai', cgv: 'on',
};

async function signup(platform: TestPlatform): Promise<number> {
  const c = await openForm(platform.app, '/essai');
  const response = await platform.app.inject({
    method: 'POST', url: '/essai', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: c.cookie },
    payload: new URLSearchParams({ ...person, _csrf: c.token }).toString(),
  });
  assert.equal(response.statusCode, 303);
  const { rows: [deployment] } = await platform.sql.query('select id from deployments order by id desc limit 1');
  return deployment.id as number;
}

async function waitForState(platform: TestPlatform, id: number, states: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows: [d] } = await platform.sql.query('select state, error from deployments where id = $1', [id]);
    if (states.includes(d.state)) return;
    if (Date.now() > deadline) throw new Error(`deployment ${d.state}: ${d.error ?? 'no error recorded'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Reads a Server-Sent Events stream until `event: end` (or the deadline). */
async function readStream(response: Response, timeoutMs = 60_000): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  while (!/event: end\n/.test(text) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel().catch(() => undefined);
  return text;
}

test('a signup shows on the board; its page lists steps and events; its stream is for signed-in staff only', async (t) => {
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0' }, { web: true, worker: true });
  const viewer = await signInAs(platform.app, platform.database.url, 'viewer');
  const id = await signup(platform);

  // Anonymous: sent to the sign-in page, never a byte of the stream.
  const sse = { accept: 'text/event-stream' };
  const anonymous = await fetch(`${platform.url}/admin/deploiements/${id}/flux`, { redirect: 'manual', headers: sse });
  assert.equal(anonymous.status, 303);
  assert.match(anonymous.headers.get('location') ?? '', /^\/admin\/connexion/);
  assert.doesNotMatch(await anonymous.text(), /event:|data:/);

  // A viewer follows it live, from its first event to the end.
  const stream = await fetch(`${platform.url}/admin/deploiements/${id}/flux?depuis=0`, { headers: { ...sse, cookie: viewer.cookie } });
  assert.equal(stream.status, 200);
  assert.equal(stream.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  assert.equal(stream.headers.get('cache-control'), 'no-store');
  const body = await readStream(stream);
  assert.match(body, /^id: \d+\nevent: progress\ndata: /m);
  assert.match(body, /Demande enregistrée/);
  assert.match(body, /deployment-steps/, 'the steps come rendered');
  assert.match(body, /event: end\ndata: \{"state":"succeeded"\}/);
  await waitForState(platform, id, ['succeeded']);

  const board = await viewer.get('/admin/deploiements');
  assert.equal(board.statusCode, 200);
  assert.match(board.body, /Réussis récemment/);
  assert.match(board.body, new RegExp(`href="/admin/deploiements/${id}"`));
  assert.match(board.body, /href="\/admin\/clients\/\d+">Martin Rénovation</);
  assert.match(board.body, /martin-renovation/);
  assert.match(board.body, /Création/, 'the kind, labelled');
  assert.match(board.body, /Aucun déploiement en cours/);
  assert.match(board.body, /Aucun déploiement en échec/);

  const page = await viewer.get(`/admin/deploiements/${id}`);
  assert.equal(page.statusCode, 200);
  for (const step of ['Réservation de l’adresse de votre instance', 'Déploiement de l’application et de sa base de données', 'Vérification que votre ERP répond', 'Envoi de votre e-mail de bienvenue']) {
    assert.ok(page.body.includes(step), `step ${step}`);
  }
  assert.equal((page.body.match(/class="step" data-state="done"/g) ?? []).length, 8);
  const { rows: events } = await platform.sql.query('select id from deployment_events where deployment_id = $1', [id]);
  for (const e of events) assert.match(page.body, new RegExp(`id="event-${e.id}"`));
  assert.match(page.body, /Votre instance ERP BTP est prête/);
  assert.match(page.body, /data-admin-live="done"/, 'a finished deployment opens no stream');
  assert.match(page.body, /<script src="\/assets\/js\/admin-live\.js" defer><\/script>/);
  assert.doesNotMatch(page.body, /Relancer/, 'nothing to retry, and a viewer may not');

  assert.equal((await viewer.get('/admin/deploiements/999999')).statusCode, 404);
  const unknown = await fetch(`${platform.url}/admin/deploiements/999999/flux`, { headers: { ...sse, cookie: viewer.cookie } });
  assert.equal(unknown.status, 404);
  const opened = await viewer.get(`/admin/deploiements/${id}/flux`);
  assert.equal(opened.statusCode, 303, 'opened as a page, not by EventSource: the page');
  assert.equal(opened.headers.location, `/admin/deploiements/${id}`);
  assert.equal((await fetch(`${platform.url}/assets/js/admin-live.js`)).status, 200);
});

test('a failed deployment shows its error to the staff and is retried by an operator, audited; a viewer may not', async (t) => {
  const port = await freePort();
  const blocker = net.createServer().listen(port, '127.0.0.1');
  await new Promise((r) => blocker.once('listening', r));
  t.after(() => new Promise((r) => blocker.close(r)));
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0', TENANT_PORT_RANGE: `${port}-${port}` }, { web: true, worker: true });
  const [viewer, operator] = [await signInAs(platform.app, platform.database.url, 'viewer'), await signInAs(platform.app, platform.database.url, 'operator')];
  const id = await signup(platform);
  await waitForState(platform, id, ['failed']);

  const board = await viewer.get('/admin/deploiements');
  assert.match(board.body, /En échec/);
  assert.match(board.body, /Déploiement de l’application et de sa base de données/, 'the failed step');
  assert.match(board.body, /already in use/, 'the error, for the staff');
  assert.doesNotMatch(board.body, /\/relancer"/, 'no retry button for a viewer');
  const page = await viewer.get(`/admin/deploiements/${id}`);
  assert.match(page.body, /admin-event__detail/, 'operator detail on the journal');
  assert.match(page.body, /already in use/);
  assert.match(page.body, /data-state="failed"/);

  const refused = await viewer.post(`/admin/deploiements/${id}/relancer`);
  assert.equal(refused.statusCode, 403);
  const { rows: [still] } = await platform.sql.query('select state from deployments where id = $1', [id]);
  assert.equal(still.state, 'failed');

  const operatorPage = await operator.get(`/admin/deploiements/${id}`);
  assert.match(operatorPage.body, new RegExp(`action="/admin/deploiements/${id}/relancer"`));
  await new Promise((r) => blocker.close(() => r(undefined)));
  const retried = await operator.post(`/admin/deploiements/${id}/relancer`);
  assert.equal(retried.statusCode, 303);
  assert.equal(retried.headers.location, `/admin/deploiements/${id}?fait=deploymentRetried`);
  const notice = await operator.get(retried.headers.location as string);
  assert.match(notice.body, /Le déploiement est relancé/);

  const again = await operator.post(`/admin/deploiements/${id}/relancer`);
  assert.equal(again.statusCode, 409, 'no longer failed: a message, not an error page');
  assert.match(again.body, /n’est pas en échec/);

  const { rows: audit } = await platform.sql.query(`select actor_label, target_type, target_id, client_id, details from audit_log where action = 'deployment.retried'`);
  assert.equal(audit.length, 1);
  assert.equal(audit[0].actor_label, operator.account.email);
  assert.deepEqual([audit[0].target_type, audit[0].target_id], ['deployment', String(id)]);
  const { rows: [client] } = await platform.sql.query('select id from clients');
  assert.equal(Number(audit[0].client_id), client.id);
  assert.equal(audit[0].details.kind, 'create');
  await waitForState(platform, id, ['succeeded']);
});
