// The client page: what support sees about a client and what they can do, checked end to end
// with the real platform (web + worker, local orchestrator, real tenant processes).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auditActions, signInAs, STAFF_PASSWORD } from '../../helpers/admin.ts';
import { openForm, startTestPlatform, type TestPlatform } from '../../helpers/platform.ts';

const person = {
  nom: 'Durand', prenom: 'Paul', email: 'paul@durand-charpente.fr', entreprise: 'Durand Charpente',
  telephone: '06 12 34 56 78', effectif: '6-10', plan: 'essai', cgv: 'on',
};

async function signup(platform: TestPlatform, fields: Record<string, string> = {}): Promise<void> {
  const form = await openForm(platform.app, '/essai');
  const response = await platform.app.inject({
    method: 'POST', url: '/essai', headers: { cookie: form.cookie }, payload: { ...person, ...fields, _csrf: form.token },
  });
  assert.equal(response.statusCode, 303, response.body.slice(0, 500));
}

/** Waits until the client's latest deployment has finished, and returns its state. */
async function settled(platform: TestPlatform, clientId: number, timeoutMs = 60_000): Promise<{ id: number; kind: string; state: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows: [d] } = await platform.sql.query(
      'select d.id, d.kind, d.state, d.error from deployments d join stacks s on s.id = d.stack_id where s.client_id = $1 order by d.id desc limit 1', [clientId]);
    if (d && ['succeeded', 'failed'].includes(d.state)) return d;
    if (Date.now() > deadline) throw new Error(`deployment still ${d?.state}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const health = (url: string) => fetch(`${url}/health`).then((r) => r.status, () => 0);

test('the client page shows a client and acts on it', async (t) => {
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0' }, { web: true, worker: true });
  const { app, sql, database } = platform;
  await signup(platform);
  const { rows: [client] } = await sql.query('select id from clients');
  assert.equal((await settled(platform, client.id)).state, 'succeeded');
  const { rows: [stack] } = await sql.query('select name, url from stacks');
  const operator = await signInAs(app, database.url, 'operator');
  const viewer = await signInAs(app, database.url, 'viewer');
  const admin = await signInAs(app, database.url, 'admin');
  const page = `/admin/clients/${client.id}`;

  await t.test('a viewer sees contact, subscription, instance with its containers, deployments and e-mails', async () => {
    const response = await viewer.get(page);
    assert.equal(response.statusCode, 200);
    for (const text of ['Durand Charpente', 'paul@durand-charpente.fr', 'Essai en cours', 'En service', stack.name, 'Conteneurs', 'Création n°', 'Bienvenue (identifiants)']) {
      assert.ok(response.body.includes(text), text);
    }
    assert.ok(!response.body.includes('/instance/suspendre'), 'no action buttons for a viewer');
    assert.ok(!response.body.includes('/identifiants'), 'no credential form for a viewer');
  });

  await t.test('an operator resends the welcome e-mail from the client page and comes back to it', async () => {
    const { rows: [welcome] } = await sql.query("select id from email_outbox where template = 'welcome'");
    const response = await operator.post(`/admin/emails/${welcome.id}/renvoyer`, { retour: page });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, `${page}?fait=emailCopied`);
    const { rows } = await sql.query("select message_id from email_outbox where template = 'welcome' order by id");
    assert.equal(rows.length, 2);
    assert.notEqual(rows[0].message_id, rows[1].message_id);
    const elsewhere = await operator.post(`/admin/emails/${welcome.id}/renvoyer`, { retour: 'https://evil.example/' });
    assert.match(String(elsewhere.headers.location), /^\/admin\/emails/);
  });

  await t.test('a viewer cannot act, even by posting directly', async () => {
    for (const path of ['essai', 'instance/suspendre', 'offre', 'identifiants', 'instance/supprimer']) {
      assert.equal((await viewer.post(`${page}/${path}`, { jours: '7', offre: 'pro', password: STAFF_PASSWORD, confirmation: stack.name })).statusCode, 403, path);
    }
  });

  await t.test('an operator extends the trial: the end moves by the days chosen, audited', async () => {
    const { rows: [before] } = await sql.query('select trial_ends_at from subscriptions');
    const response = await operator.post(`${page}/essai`, { jours: '14' });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, `${page}?fait=trialExtended`);
    const { rows: [after] } = await sql.query('select trial_ends_at from subscriptions');
    assert.equal(after.trial_ends_at.getTime() - before.trial_ends_at.getTime(), 14 * 86_400_000);
    assert.match((await operator.get(response.headers.location!)).body, /L’essai a été prolongé/);
    const refused = await operator.post(`${page}/essai`, { jours: '400' });
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /entre 1 et 90 jours/);
  });

  await t.test('an operator suspends the instance (it stops answering), then resumes it', async () => {
    assert.equal((await operator.post(`${page}/instance/suspendre`)).statusCode, 303);
    assert.equal((await settled(platform, client.id)).state, 'succeeded');
    assert.equal(await health(stack.url), 0);
    assert.match((await operator.get(page)).body, /Arrêtée/);
    assert.equal((await operator.post(`${page}/instance/reprendre`)).statusCode, 303);
    assert.equal((await settled(platform, client.id)).state, 'succeeded');
    assert.equal(await health(stack.url), 200);
  });

  await t.test('a second operation while one runs is refused with a clear message', async () => {
    assert.equal((await operator.post(`${page}/instance/redeployer`)).statusCode, 303);
    const busy = await operator.post(`${page}/instance/suspendre`);
    assert.equal(busy.statusCode, 409);
    assert.match(busy.body, /déjà en cours/);
    assert.equal((await settled(platform, client.id)).state, 'succeeded');
  });

  await t.test('revealing credentials asks for the password again and is audited either way', async () => {
    const wrong = await admin.post(`${page}/identifiants`, { password: 'pas le bon' });
    assert.equal(wrong.statusCode, 403);
    assert.match(wrong.body, /Mot de passe incorrect/);
    const shown = await admin.post(`${page}/identifiants`, { password: STAFF_PASSWORD });
    assert.equal(shown.statusCode, 200);
    assert.match(shown.body, /data-hide-after="60"/);
    assert.equal(shown.headers['cache-control'], 'no-store');
    const password = /Mot de passe initial<\/dt><dd class="mono">([^<]+)</.exec(shown.body)?.[1];
    assert.ok(password && password.length >= 12);
    const actions = await auditActions(sql);
    assert.ok(actions.includes('credentials.revealRefused'));
    assert.ok(actions.includes('credentials.revealed'));
    assert.equal((await operator.post(`${page}/identifiants`, { password: STAFF_PASSWORD })).statusCode, 403, 'operators may not');
  });

  await t.test('an admin changes the plan: the trial converts and the instance gets the new limits', async () => {
    assert.equal((await admin.post(`${page}/offre`, { offre: 'pro' })).statusCode, 303);
    const { rows: [sub] } = await sql.query('select plan, status, converted_at, price_cents from subscriptions');
    assert.deepEqual([sub.plan, sub.status, sub.price_cents], ['pro', 'active', 6900]);
    assert.ok(sub.converted_at);
    const redeploy = await settled(platform, client.id);
    assert.deepEqual([redeploy.kind, redeploy.state], ['redeploy', 'succeeded']);
    assert.equal(await health(stack.url), 200);
  });

  await t.test('deleting needs the instance name typed exactly; then the instance and its data go', async () => {
    const mismatch = await admin.post(`${page}/instance/supprimer`, { confirmation: 'autre-chose' });
    assert.equal(mismatch.statusCode, 409);
    assert.match(mismatch.body, new RegExp(`saisissez exactement « ${stack.name} »`));
    assert.equal((await operator.post(`${page}/instance/supprimer`, { confirmation: stack.name })).statusCode, 403, 'operators may not delete');
    assert.equal((await admin.post(`${page}/instance/supprimer`, { confirmation: stack.name })).statusCode, 303);
    assert.equal((await settled(platform, client.id)).state, 'succeeded');
    const { rows: [gone] } = await sql.query('select observed_state from stacks');
    assert.equal(gone.observed_state, 'deleted');
    assert.match((await admin.get(page)).body, /Supprimée/);
  });

  await t.test('every action is in the client’s audit trail, with who did it', async () => {
    const body = (await viewer.get(page)).body;
    for (const label of ['Essai prolongé', 'Suspension demandée', 'Reprise demandée', 'Identifiants affichés', 'Offre changée', 'Suppression demandée']) {
      assert.ok(body.includes(label), label);
    }
    assert.ok(body.includes(operator.account.email));
    assert.ok(body.includes(admin.account.email));
  });

  await t.test('an unknown or malformed client id is a 404, not a 500', async () => {
    assert.equal((await viewer.get('/admin/clients/999999')).statusCode, 404);
    assert.equal((await viewer.get('/admin/clients/abc')).statusCode, 404);
    assert.equal((await operator.post('/admin/clients/abc/essai', { jours: '7' })).statusCode, 404);
  });
});

test('user-provided text is shown as text on every dashboard page', async (t) => {
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0' });
  const { sql } = platform;
  const payload = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'';
  // The site's form refuses markup in names; data can still arrive by other paths (API, imports, old records):
  // the dashboard must never trust it. Every text column a page shows gets the payload.
  const { rows: [client] } = await sql.query(
    `insert into clients (entreprise, nom, prenom, email, telephone, effectif) values ($1, $1, $1, $2, $1, $1) returning id`,
    [`Entreprise${payload}`, `xss${payload}@exemple-btp.fr`]);
  await sql.query(`insert into subscriptions (client_id, plan, status, trial_ends_at, cgv_accepted_at, consent_ip) values ($1, 'essai', 'trialing', now() + interval '3 days', now(), '127.0.0.1')`, [client.id]);
  const { rows: [stack] } = await sql.query(`insert into stacks (client_id, name, orchestrator, desired_state, observed_state, url, health_status) values ($1, 'entreprise-xss', 'local', 'running', 'failed', $2, $2) returning id`, [client.id, `http://x/${payload}`]);
  const { rows: [deployment] } = await sql.query(`insert into deployments (stack_id, kind, state, error) values ($1, 'create', 'failed', $2) returning id`, [stack.id, payload]);
  await sql.query(`insert into deployment_events (deployment_id, code, params, detail) values ($1, 'deployment.event.failed', '{}', $2)`, [deployment.id, payload]);
  await sql.query(`insert into email_outbox (template, recipients, dedupe_key, message_id, client_id, status, last_error) values ('welcome', array[$1], 'xss', '<xss@test>', $2, 'dead', $1)`, [payload, client.id]);
  await sql.query(`insert into audit_log (actor_type, actor_label, action, client_id, details) values ('system', $1, $1, $2, jsonb_build_object('x', $1::text))`, [payload, client.id]);
  const owner = await signInAs(platform.app, platform.database.url, 'owner');
  for (const url of ['/admin', `/admin/clients/${client.id}`, '/admin/clients', '/admin/clients?q=Entreprise', '/admin/deploiements', `/admin/deploiements/${deployment.id}`, '/admin/emails', '/admin/journal']) {
    const response = await owner.get(url);
    assert.equal(response.statusCode, 200, url);
    assert.ok(!response.body.includes('<script>alert'), `${url} shows no raw script`);
    assert.ok(!response.body.includes('<img src=x'), `${url} shows no raw tag`);
  }
  assert.ok((await owner.get(`/admin/clients/${client.id}`)).body.includes('Entreprise&#60;script&#62;alert(1)&#60;/script&#62;'), 'shown as text');
});
