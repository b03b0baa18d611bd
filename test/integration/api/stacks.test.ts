// /api/v1/stacks through the real web role (no worker: deployments stay queued unless a test moves them on).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ApiTestPlatform, markReady, problemOf, startApiPlatform, trialBody } from './helpers.ts';

const STACK_FIELDS = ['client', 'createdAt', 'desiredState', 'name', 'observedState', 'plan', 'subscriptionStatus', 'updatedAt', 'url'];

async function count(p: ApiTestPlatform, table: string): Promise<number> {
  return (await p.sql.query(`select count(*)::int as n from ${table}`)).rows[0].n;
}

test('POST /stacks writes client, subscription, stack, deployment and job at once, audited under the key’s name', async (t) => {
  const p = await startApiPlatform(t);
  const key = await p.key(['stacks:write'], 'active', 'Facturation');
  const body = trialBody({ email: 'Julie@Martin-Renovation.FR', entreprise: 'Martin Rénovation', telephone: '06.12.34.56.78' });
  const response = await p.call(key, 'POST', '/api/v1/stacks', { body });

  assert.equal(response.statusCode, 202);
  const { stack, deployment } = response.json();
  assert.equal(response.headers.location, `/api/v1/deployments/${deployment.id}`);
  assert.deepEqual(Object.keys(stack).sort(), STACK_FIELDS, 'the stack is an allow-list');
  assert.equal(stack.name, 'martin-renovation');
  assert.deepEqual([stack.plan, stack.subscriptionStatus, stack.desiredState, stack.observedState], ['starter', 'trialing', 'running', 'provisioning']);
  assert.equal(stack.client.company, 'Martin Rénovation');
  assert.deepEqual([deployment.kind, deployment.state, deployment.stack, deployment.steps.length], ['create', 'queued', 'martin-renovation', 8]);
  assert.doesNotMatch(response.body, /tenant|token|hash|telephone|\+33/i);

  const { rows: [row] } = await p.sql.query(`select c.email, c.telephone, s.plan, s.status, s.consent_ip as ip from clients c join subscriptions s on s.client_id = c.id`);
  assert.deepEqual({ ...row }, { email: 'Julie@martin-renovation.fr', telephone: '+33612345678', plan: 'starter', status: 'trialing', ip: '127.0.0.1' });
  const { rows: jobs } = await p.sql.query(`select data from pgboss.job where name = 'provisioning.run'`);
  assert.deepEqual(jobs.map((j) => j.data), [{ deploymentId: deployment.id }]);
  const { rows: audit } = await p.sql.query(`select actor_type, actor_label, action, target_id, client_id from audit_log where action = 'stack.created'`);
  assert.deepEqual(audit.map((a) => ({ ...a })), [{ actor_type: 'api_key', actor_label: 'Facturation', action: 'stack.created', target_id: 'martin-renovation', client_id: stack.client.id }]);
});

test('a refused creation says which fields are wrong, in French, and writes nothing', async (t) => {
  const p = await startApiPlatform(t);
  const key = await p.key(['stacks:write']);
  const refused = async (body: unknown, fields: string[]) => {
    const response = await p.call(key, 'POST', '/api/v1/stacks', { body });
    assert.equal(response.statusCode, 422, response.body);
    const problem = problemOf(response);
    assert.equal(problem.code, 'validation-failed');
    assert.deepEqual([...new Set(problem.errors?.map((e) => e.field))].sort(), fields, JSON.stringify(problem.errors));
    return problem;
  };
  const phone = await refused(trialBody({ telephone: '12', email: 'x@yopmail.com' }), ['email', 'telephone']);
  assert.match(phone.errors!.find((e) => e.field === 'telephone')!.message, /numéro de téléphone français/);
  await refused(trialBody({ cgv: undefined }), ['cgv']);
  await refused({ ...trialBody(), cgv: 'on' }, ['cgv']);
  await refused({ ...trialBody(), inconnu: 1 }, ['inconnu']);
  assert.match((await refused({}, [])).detail ?? '', /clientId/);
  assert.match((await refused({ clientId: 1, nom: 'Martin' }, [])).detail ?? '', /s’excluent/);
  assert.equal(await count(p, 'clients'), 0);
  assert.equal(await count(p, 'audit_log where action = \'stack.created\''), 0);

  const first = trialBody();
  assert.equal((await p.call(key, 'POST', '/api/v1/stacks', { body: first })).statusCode, 202);
  const again = await p.call(key, 'POST', '/api/v1/stacks', { body: trialBody({ email: String(first.email).toUpperCase() }) });
  assert.equal(again.statusCode, 409);
  assert.equal(problemOf(again).code, 'email-already-registered');
  assert.equal(await count(p, 'stacks'), 1);
});

test('an existing client without a live instance gets one on its subscription; one instance per client', async (t) => {
  const p = await startApiPlatform(t);
  const key = await p.key(['stacks:write']);
  const created = (await p.call(key, 'POST', '/api/v1/stacks', { body: trialBody({ entreprise: 'Charpentes Leroy', plan: 'pro' }) })).json();
  const clientId = created.stack.client.id;

  const live = await p.call(key, 'POST', '/api/v1/stacks', { body: { clientId } });
  assert.equal(live.statusCode, 409);
  assert.equal(problemOf(live).code, 'client-has-stack');

  await p.sql.query(`update stacks set observed_state = 'deleted', desired_state = 'deleted' where name = 'charpentes-leroy'`);
  await p.sql.query(`update deployments set state = 'succeeded'`);
  const mismatch = await p.call(key, 'POST', '/api/v1/stacks', { body: { clientId, plan: 'starter' } });
  assert.equal(mismatch.statusCode, 409);
  assert.equal(problemOf(mismatch).code, 'plan-mismatch');

  const attached = await p.call(key, 'POST', '/api/v1/stacks', { body: { clientId } });
  assert.equal(attached.statusCode, 202, attached.body);
  const { stack, deployment } = attached.json();
  assert.deepEqual([stack.name, stack.plan, stack.client.id, deployment.kind], ['charpentes-leroy-2', 'pro', clientId, 'create']);
  assert.equal(await count(p, 'subscriptions'), 1, 'the current subscription is reused');
  assert.equal(await count(p, `pgboss.job where name = 'provisioning.run'`), 2);
  const { rows: [audit] } = await p.sql.query(`select details from audit_log where action = 'stack.created' and target_id = 'charpentes-leroy-2'`);
  assert.deepEqual(audit.details, { deployment: deployment.id, plan: 'pro', newClient: false });

  // A client whose subscription ended starts a new trial of the plan asked for.
  await p.sql.query(`update stacks set observed_state = 'deleted' where name = 'charpentes-leroy-2'`);
  await p.sql.query(`update subscriptions set ended_at = now(), status = 'cancelled'`);
  const renewed = await p.call(key, 'POST', '/api/v1/stacks', { body: { clientId, plan: 'starter' } });
  assert.equal(renewed.statusCode, 202, renewed.body);
  assert.deepEqual([renewed.json().stack.plan, renewed.json().stack.subscriptionStatus], ['starter', 'trialing']);

  const unknown = await p.call(key, 'POST', '/api/v1/stacks', { body: { clientId: 424242 } });
  assert.equal(unknown.statusCode, 422);
  assert.equal(problemOf(unknown).code, 'unknown-client');
});

test('Idempotency-Key: same key and body replay the answer, even concurrently; another body is refused', async (t) => {
  const p = await startApiPlatform(t);
  const key = await p.key(['stacks:write']);
  const other = await p.key(['stacks:write']);
  const body = trialBody();
  const send = (k: string, b: unknown, idempotencyKey = 'commande-42') => p.call(k, 'POST', '/api/v1/stacks', { body: b, headers: { 'idempotency-key': idempotencyKey } });

  const answers = await Promise.all(Array.from({ length: 8 }, () => send(key, body)));
  assert.deepEqual(answers.map((a) => a.statusCode), Array(8).fill(202));
  assert.equal(new Set(answers.map((a) => a.json().deployment.id)).size, 1, 'one creation');
  assert.equal(answers.filter((a) => a.headers['idempotent-replayed'] === 'true').length, 7);
  assert.equal(await count(p, 'stacks'), 1);
  assert.equal(await count(p, `pgboss.job where name = 'provisioning.run'`), 1);

  // The same body with its keys in another order is the same request.
  const reordered = Object.fromEntries(Object.entries(body).reverse());
  const replay = await send(key, reordered);
  assert.equal(replay.statusCode, 202);
  assert.deepEqual(replay.json(), answers[0]!.json());
  assert.equal(replay.headers.location, answers[0]!.headers.location);

  const reused = await send(key, trialBody());
  assert.equal(reused.statusCode, 422);
  assert.equal(problemOf(reused).code, 'idempotency-key-reused');
  assert.equal(await count(p, 'stacks'), 1);

  // Keys are per API key; after 24 h a key may serve again.
  assert.equal((await send(other, trialBody())).statusCode, 202);
  await p.sql.query(`update idempotency_keys set created_at = now() - interval '25 hours'`);
  const later = await send(key, trialBody());
  assert.equal(later.statusCode, 202);
  assert.equal(later.headers['idempotent-replayed'], undefined);
  assert.equal(await count(p, 'stacks'), 3);
});

test('GET /stacks pages by cursor in a stable order, with filters', async (t) => {
  const p = await startApiPlatform(t);
  const writer = await p.key(['stacks:write']);
  const reader = await p.key(['stacks:read']);
  const names: string[] = [];
  for (const [i, plan] of ['essai', 'pro', 'starter', 'pro', 'essai'].entries()) {
    const response = await p.call(writer, 'POST', '/api/v1/stacks', { body: trialBody({ plan, entreprise: i === 2 ? 'Toitures Bois' : `Maçonnerie Numéro ${i}` }) });
    assert.equal(response.statusCode, 202, response.body);
    names.push(response.json().stack.name);
  }
  await markReady(p, names[1]!);

  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await p.call(reader, 'GET', `/api/v1/stacks?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(page.statusCode, 200);
    const { items, nextCursor } = page.json();
    assert.ok(items.length <= 2);
    seen.push(...items.map((s: { name: string }) => s.name));
    cursor = nextCursor;
    pages++;
  } while (cursor);
  assert.deepEqual(seen, names, 'every stack once, in creation order');
  assert.equal(pages, 3);

  const names_ = async (query: string) => (await p.call(reader, 'GET', `/api/v1/stacks?${query}`)).json().items.map((s: { name: string }) => s.name);
  assert.deepEqual(await names_('plan=pro'), [names[1], names[3]]);
  assert.deepEqual(await names_('status=running'), [names[1]]);
  assert.deepEqual(await names_('search=toitures'), [names[2]]);
  assert.deepEqual(await names_(`search=${encodeURIComponent('NUMÉRO 4')}`), [names[4]]);
  assert.deepEqual(await names_('search=%25'), [], '% is searched for as itself, not as a wildcard');
  assert.deepEqual(await names_('search=_'), []);
  assert.deepEqual(await names_('plan=pro&status=provisioning'), [names[3]]);

  const badCursor = await p.call(reader, 'GET', '/api/v1/stacks?cursor=bm90LWEtY3Vyc29y');
  assert.equal(badCursor.statusCode, 400);
  assert.equal(problemOf(badCursor).code, 'invalid-cursor');
  const unknownParameter = await p.call(reader, 'GET', '/api/v1/stacks?page=2');
  assert.equal(unknownParameter.statusCode, 400);
  assert.equal(problemOf(unknownParameter).errors?.[0]?.field, 'querystring.page');
});

test('a stack, its status, and the operations on it, each audited; refused when they make no sense', async (t) => {
  const p = await startApiPlatform(t);
  const key = await p.key(['stacks:read', 'stacks:write'], 'active', 'Supervision');
  const { stack } = (await p.call(key, 'POST', '/api/v1/stacks', { body: trialBody({ entreprise: 'Plâtrerie Morel' }) })).json();

  const one = await p.call(key, 'GET', `/api/v1/stacks/${stack.name}`);
  assert.deepEqual(one.json(), stack);
  const status = await p.call(key, 'GET', `/api/v1/stacks/${stack.name}/status`);
  assert.equal(status.statusCode, 200);
  const s = status.json();
  assert.deepEqual([s.desiredState, s.observedState, s.currentDeployment.kind, s.currentDeployment.state], ['running', 'provisioning', 'create', 'queued']);
  assert.deepEqual(s.health, { status: null, checkedAt: null, consecutiveFailures: 0, lastRecordedCheck: null });
  assert.ok(s.instance === null || typeof s.instance.state === 'string');

  const busy = await p.call(key, 'POST', `/api/v1/stacks/${stack.name}/suspend`);
  assert.equal(busy.statusCode, 409);
  assert.equal(problemOf(busy).code, 'operation-in-progress');

  await markReady(p, stack.name);
  await p.sql.query(`update stacks set health_status = 'healthy', health_checked_at = now() where name = $1`, [stack.name]);
  await p.sql.query(`insert into health_checks (stack_id, ok, instance_state, http_status, latency_ms) select id, true, 'running', 200, 42 from stacks where name = $1`, [stack.name]);
  const healthy = (await p.call(key, 'GET', `/api/v1/stacks/${stack.name}/status`)).json();
  assert.equal(healthy.health.status, 'healthy');
  assert.deepEqual({ ...healthy.health.lastRecordedCheck, checkedAt: undefined }, { ok: true, checkedAt: undefined, httpStatus: 200, latencyMs: 42, instanceState: 'running' });
  assert.equal(healthy.currentDeployment, null);

  const resume = await p.call(key, 'POST', `/api/v1/stacks/${stack.name}/resume`);
  assert.equal(resume.statusCode, 409);
  assert.equal(problemOf(resume).code, 'invalid-state');

  const suspend = await p.call(key, 'POST', `/api/v1/stacks/${stack.name}/suspend`);
  assert.equal(suspend.statusCode, 202);
  assert.deepEqual([suspend.json().deployment.kind, suspend.json().stack.desiredState], ['suspend', 'stopped']);
  assert.equal(suspend.headers.location, `/api/v1/deployments/${suspend.json().deployment.id}`);
  const { rows: audit } = await p.sql.query(`select actor_type, actor_label, action, target_id from audit_log where action like 'stack.%Requested'`);
  assert.deepEqual(audit.map((a) => ({ ...a })), [{ actor_type: 'api_key', actor_label: 'Supervision', action: 'stack.suspendRequested', target_id: stack.name }]);

  await p.sql.query(`update deployments set state = 'failed', error = 'arrêt impossible' where id = $1`, [suspend.json().deployment.id]);
  const retry = await p.call(key, 'POST', `/api/v1/deployments/${suspend.json().deployment.id}/retry`);
  assert.equal(retry.statusCode, 202);
  assert.deepEqual([retry.json().deployment.state, retry.json().deployment.error], ['queued', null]);
  const { rows: [retried] } = await p.sql.query(`select actor_type, actor_label, target_id from audit_log where action = 'deployment.retried'`);
  assert.deepEqual({ ...retried }, { actor_type: 'api_key', actor_label: 'Supervision', target_id: String(suspend.json().deployment.id) });

  await p.sql.query(`update deployments set state = 'succeeded'`);
  const removal = await p.call(key, 'DELETE', `/api/v1/stacks/${stack.name}`);
  assert.equal(removal.statusCode, 202);
  assert.deepEqual([removal.json().deployment.kind, removal.json().stack.desiredState], ['delete', 'deleted']);
});

test('the original routes answer as aliases: POST /api/stacks/create and GET /api/stacks/{name}/status', async (t) => {
  const p = await startApiPlatform(t);
  const key = await p.key(['stacks:read', 'stacks:write']);
  const response = await p.call(key, 'POST', '/api/stacks/create', { body: { client_name: 'Jean Paul BTP', email: 'jp@jean-paul-btp.fr', plan: 'pro' } });
  assert.equal(response.statusCode, 202, response.body);
  assert.equal(response.headers.deprecation, 'true');
  const body = response.json();
  assert.deepEqual([body.status, body.stack_name, body.credentials], ['success', 'jean-paul-btp', { username: 'jean-paul-btp' }]);
  assert.deepEqual([body.stack.plan, body.deployment.kind], ['pro', 'create']);
  const { rows: [client] } = await p.sql.query('select entreprise, prenom, nom, telephone, effectif from clients');
  assert.deepEqual({ ...client }, { entreprise: 'Jean Paul BTP', prenom: 'Jean Paul BTP', nom: 'Jean Paul BTP', telephone: '', effectif: '1-5' });

  const legacy = await p.call(key, 'GET', '/api/stacks/jean-paul-btp/status');
  const v1 = await p.call(key, 'GET', '/api/v1/stacks/jean-paul-btp/status');
  assert.equal(legacy.statusCode, 200);
  assert.equal(legacy.headers.deprecation, 'true');
  assert.deepEqual(legacy.json(), v1.json());

  const invalid = await p.call(key, 'POST', '/api/stacks/create', { body: { client_name: 'X', email: 'pas-une-adresse', plan: 'essai' } });
  assert.equal(invalid.statusCode, 422);
  assert.deepEqual(problemOf(invalid).errors?.map((e) => e.field), ['client_name', 'email']);
});
