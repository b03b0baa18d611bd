import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { startQueue } from '../../../src/jobs/queue.ts';
import { retryDeployment } from '../../../src/provisioning/retry-deployment.ts';
import { credentialAad } from '../../../src/provisioning/stack-variables.ts';
import { createCipher, loadKeyRing } from '../../../src/vault/index.ts';
import { freePort } from '../../../src/db/embedded-postgres.ts';
import { openForm, startTestPlatform, type TestPlatform } from '../../helpers/platform.ts';

const person = {
  nom: 'Martin', prenom: 'Julie', email: 'julie@martin-renovation.fr', entreprise: 'Martin Rénovation',
  telephone: '06 12 34 56 78', effectif: '1-5', plan: 'essai', cgv: 'on',
};

async function signup(platform: TestPlatform, fields: Record<string, string> = {}): Promise<string> {
  const c = await openForm(platform.app, '/essai');
  const response = await platform.app.inject({
    method: 'POST', url: '/essai', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: c.cookie },
    payload: new URLSearchParams({ ...person, ...fields, _csrf: c.token }).toString(),
  });
  assert.equal(response.statusCode, 303);
  return response.headers.location as string;
}

async function waitForState(platform: TestPlatform, states: string[], timeoutMs = 60_000): Promise<{ id: number; state: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await platform.sql.query('select id, state, error from deployments order by id desc limit 1');
    if (rows[0] && states.includes(rows[0].state)) return rows[0];
    // A finished deployment will not change by itself: say why at once instead of waiting for the deadline.
    if (rows[0]?.state === 'failed' || Date.now() > deadline) throw new Error(`deployment ${rows[0]?.state}: ${rows[0]?.error ?? 'no error recorded'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a signup becomes a running instance, its secrets stored only encrypted', async (t) => {
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0' }, { web: true, worker: true });
  const tracking = await signup(platform);
  await waitForState(platform, ['succeeded']);

  const { rows: [stack] } = await platform.sql.query('select id, name, port, url, observed_state, tenant_token_hash from stacks');
  assert.equal(stack.name, 'martin-renovation');
  assert.equal(stack.observed_state, 'running');
  assert.equal((await fetch(`${stack.url}/health`)).status, 200);
  const steps = await platform.sql.query('select name, status from deployment_steps order by position');
  assert.deepEqual(steps.rows.map((s) => s.status), Array(8).fill('succeeded'));

  // Every secret decrypts with its own associated data and appears nowhere in clear.
  const cipher = createCipher(loadKeyRing({ keyFile: path.join(platform.dataDir, 'master-key.json'), log: pino({ level: 'silent' }) }).keyRing);
  const { rows: creds } = await platform.sql.query('select kind, ciphertext from credentials where stack_id = $1 order by kind', [stack.id]);
  assert.deepEqual(creds.map((c) => c.kind), ['database_password', 'initial_password', 'secret_key', 'tenant_token']);
  const secrets = creds.map((c) => cipher.decrypt(c.ciphertext, credentialAad(stack.id, c.kind)));
  let everything = '';
  for (const table of ['clients', 'subscriptions', 'stacks', 'deployments', 'deployment_events', 'deployment_steps', 'credentials', 'port_allocations', 'email_outbox']) {
    const { rows } = await platform.sql.query(`select coalesce(string_agg(row_to_json(t)::text, ' '), '') as text from ${table} t`);
    everything += rows[0].text;
  }
  everything += (await platform.sql.query(`select coalesce(string_agg(data::text || coalesce(output::text, ''), ' '), '') as text from pgboss.job`)).rows[0].text;
  for (const secret of secrets) {
    assert.ok(!everything.includes(secret), 'a secret is stored in clear');
    assert.ok(!platform.logs.text().includes(secret), 'a secret is in the logs');
  }

  // The tracking page shows the credentials once.
  const first = await platform.app.inject(tracking);
  assert.match(first.body, /Votre ERP BTP est prêt/);
  assert.ok(first.body.includes(secrets[1]!), 'initial password shown on the first visit');
  assert.match(first.body, /<code id="cred-user">julie<\/code>/);
  const second = await platform.app.inject(tracking);
  assert.ok(!second.body.includes(secrets[1]!));
  assert.match(second.body, /Identifiants déjà affichés/);

  // The tenant API answers the stack's own token only.
  const tenantToken = secrets[3]!;
  const ok = await platform.app.inject({ url: '/api/tenant/v1/subscription', headers: { authorization: `Bearer ${tenantToken}` } });
  assert.equal(ok.statusCode, 200);
  assert.deepEqual({ ...(ok.json() as object), trialEndsAt: undefined }, { status: 'trialing', plan: 'essai', planName: 'Essai', trialEndsAt: undefined, daysLeft: 30, renewalUrl: 'http://localhost:0/tarifs' });
  for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${tenantToken}`]) {
    const denied = await platform.app.inject({ url: '/api/tenant/v1/subscription', headers: authorization ? { authorization } : {} });
    assert.equal(denied.statusCode, 401);
    assert.equal(denied.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(denied.json().status, 401);
  }

  // The event stream resumes after Last-Event-ID and ends with the deployment.
  const { rows: events } = await platform.sql.query('select id from deployment_events order by id');
  const last = events.at(-1)!.id as number;
  const stream = await fetch(`${platform.url}${tracking}/flux`, { headers: { 'last-event-id': String(last - 2) } });
  assert.equal(stream.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const body = await stream.text();
  assert.deepEqual([...body.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1])), [last - 1, last]);
  assert.match(body, /event: end\ndata: \{"state":"succeeded"\}/);
});

test('a deployment that cannot deploy is compensated, reported honestly, and can be retried', async (t) => {
  const port = await freePort();
  const blocker = net.createServer().listen(port, '127.0.0.1');
  await new Promise((r) => blocker.once('listening', r));
  t.after(() => new Promise((r) => blocker.close(r)));
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0', TENANT_PORT_RANGE: `${port}-${port}` }, { web: true, worker: true });
  const tracking = await signup(platform);
  const failed = await waitForState(platform, ['failed']);
  const { rows: retries } = await platform.sql.query(`select count(*)::int as n from deployment_events where code = 'deployment.event.retrying' and step = 'deploy'`);
  assert.equal(retries[0].n, 4, 'a busy port is retried before the deployment fails');

  const { rows: [stack] } = await platform.sql.query('select observed_state, port from stacks');
  assert.equal(stack.observed_state, 'failed');
  assert.equal(stack.port, null);
  assert.equal((await platform.sql.query('select count(*)::int as n from port_allocations')).rows[0].n, 0);
  const { rows: steps } = await platform.sql.query('select name, status from deployment_steps order by position');
  assert.deepEqual(steps.map((s) => `${s.name}:${s.status}`), [
    'reserve:compensated', 'secrets:compensated', 'render:succeeded', 'deploy:failed', 'wait_running:skipped', 'health:skipped', 'activate:skipped', 'welcome:skipped',
  ]);
  const page = await platform.app.inject(tracking);
  assert.match(page.body, /n’a pas abouti/);
  assert.doesNotMatch(page.body, /EADDRINUSE|in use|busy/i);

  // The prospect is told honestly, without technical detail; the staff get the details through the deployment's
  // alert, whose notice is their only e-mail about it (embedded SMTP sink).
  const mails = async () => (await platform.sql.query('select envelope_to, subject, raw from mail_sink_messages')).rows;
  for (let i = 0; i < 100 && (await mails()).length < 2; i++) await new Promise((r) => setTimeout(r, 50));
  // Both are queued together and sent concurrently: found by recipient, not by order.
  const received = await mails();
  const toClient = received.find((m) => m.envelope_to[0] === person.email);
  const toStaff = received.find((m) => m.envelope_to[0] === 'exploitation@erp-btp.fr');
  assert.deepEqual(toClient.envelope_to, [person.email]);
  assert.equal(toClient.subject, 'La création de votre ERP BTP a pris du retard');
  assert.doesNotMatch(toClient.raw, /already in use|port \d+|EADDRINUSE/);
  assert.deepEqual(toStaff.envelope_to, ['exploitation@erp-btp.fr']);
  assert.match(toStaff.subject, /^\[Alerte\] Échec de déploiement\u00a0: instance martin-renovation \(Martin Rénovation\)$/);
  const { rows: staffMails } = await platform.sql.query(`select template from email_outbox where recipients = array['exploitation@erp-btp.fr']`);
  assert.deepEqual(staffMails.map((m) => m.template), ['alert'], 'one message to the staff: the alert, no separate failure e-mail');
  assert.match(toStaff.raw, /already in use/);

  await new Promise((r) => blocker.close(() => r(undefined)));
  const queue = await startQueue(platform.database.url, pino({ level: 'silent' }));
  platform.onTeardown(() => queue.stop());
  assert.equal(await retryDeployment(platform.sql, queue, failed.id), 'queued');
  assert.equal(await retryDeployment(platform.sql, queue, failed.id), 'not-failed');
  await waitForState(platform, ['succeeded']);
  const again = await platform.app.inject(tracking);
  assert.match(again.body, /Votre ERP BTP est prêt/);
});

test('a port held for a moment by another process delays the deployment instead of failing it', async (t) => {
  const port = await freePort();
  const blocker = net.createServer().listen(port, '127.0.0.1');
  await new Promise((r) => blocker.once('listening', r));
  t.after(() => blocker.close());
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0', TENANT_PORT_RANGE: `${port}-${port}` }, { web: true, worker: true });
  await signup(platform);
  for (const deadline = Date.now() + 30_000; ;) {
    const { rows: [deployment] } = await platform.sql.query(`select state, error, exists(select 1 from deployment_events e where e.deployment_id = d.id and e.code = 'deployment.event.retrying') as retrying from deployments d`);
    if (deployment.retrying) break;
    if (deployment.state === 'failed' || Date.now() > deadline) assert.fail(`expected a retry, got ${deployment.state}: ${deployment.error}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  blocker.close();
  await waitForState(platform, ['succeeded']);
});

test('a port held for good by another process is passed over: the instance takes the next one, at once', async (t) => {
  // Two consecutive ports, the first held by a foreign listener for the whole test.
  let port = 0;
  let blocker: net.Server | undefined;
  while (!blocker) {
    port = await freePort();
    const next = net.createServer().listen(port + 1, '127.0.0.1');
    const nextFree = await new Promise<boolean>((r) => next.once('listening', () => r(true)).once('error', () => r(false)));
    await new Promise((r) => next.close(r));
    if (nextFree) blocker = net.createServer().listen(port, '127.0.0.1');
  }
  await new Promise((r) => blocker.once('listening', r));
  t.after(() => blocker.close());
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0', TENANT_PORT_RANGE: `${port}-${port + 1}` }, { web: true, worker: true });
  await signup(platform);
  await waitForState(platform, ['succeeded']);
  const { rows: [stack] } = await platform.sql.query('select port from stacks');
  assert.equal(stack.port, port + 1);
  const { rows: retries } = await platform.sql.query(`select 1 from deployment_events where code = 'deployment.event.retrying'`);
  assert.equal(retries.length, 0, 'no retry: the busy port was never tried');
});

test('a new platform database never adopts the tenant database of a previous one with the same stack name', async (t) => {
  const first = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0' }, { web: true, worker: true });
  await signup(first);
  await waitForState(first, ['succeeded']);
  const second = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0' }, { web: true, worker: true });
  await signup(second);
  await waitForState(second, ['succeeded']);
  const names = async (p: TestPlatform) => (await p.sql.query(`select 'tenant_' || (select id from platform_instance) || '_' || replace(name, '-', '_') as db from stacks`)).rows[0].db as string;
  const [a, b] = [await names(first), await names(second)];
  assert.notEqual(a, b);
  const { rows } = await first.sql.query('select datname from pg_database where datname = any($1) order by datname', [[a, b]]);
  assert.equal(rows.length, 2, 'each platform has its own tenant database');
});
