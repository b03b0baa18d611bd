// Every status code the OpenAPI document declares, for every route, exercised once, and the document checked
// against the table: a status documented but never produced (or produced but undocumented) fails the test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { markReady, startApiPlatform, trialBody } from './helpers.ts';

const LIMIT = 3;

interface Scenario {
  operationId: string;
  status: number;
  run: () => Promise<LightMyRequestResponse>;
}

test('every documented status of every API route is produced, with a problem body for errors', { timeout: 300_000 }, async (t) => {
  const p = await startApiPlatform(t, { API_RATE_LIMIT: String(LIMIT) });
  // Each scenario has its own key: the rate limit (3 a minute) only shows where a scenario exhausts it.
  const admin = () => p.key(['admin']);
  const as = async (method: string, url: string, options?: { body?: unknown; headers?: Record<string, string> }) => p.call(await admin(), method, url, options);
  const create = async (body = trialBody()) => {
    const response = await as('POST', '/api/v1/stacks', { body });
    assert.equal(response.statusCode, 202, response.body);
    return response.json() as { stack: { name: string; client: { id: number } }; deployment: { id: number } };
  };
  const busy = await create();
  const running = [await create(), await create(), await create(), await create()];
  for (const s of running) await markReady(p, s.stack.name);
  const stopped = await create();
  await markReady(p, stopped.stack.name);
  await p.sql.query(`update stacks set observed_state = 'stopped', desired_state = 'stopped' where name = $1`, [stopped.stack.name]);
  const failed = await create();
  await p.sql.query(`update deployments set state = 'failed', error = 'simulé' where id = $1`, [failed.deployment.id]);
  const taken = trialBody();
  await create(taken);
  const ready = await create();
  await markReady(p, ready.stack.name);
  const erased = await create();
  await markReady(p, erased.stack.name);
  await p.sql.query(`update stacks set observed_state = 'deleted', desired_state = 'deleted' where name = $1`, [erased.stack.name]);
  assert.equal((await as('DELETE', `/api/v1/clients/${erased.stack.client.id}`)).statusCode, 200);
  const subscriptionOf = async (c: { stack: { client: { id: number } } }) =>
    (await p.sql.query('select id from subscriptions where client_id = $1', [c.stack.client.id])).rows[0].id as number;
  const [busySubscription, erasedSubscription] = [await subscriptionOf(busy), await subscriptionOf(erased)];

  const readOnly = await p.key(['clients:read']);
  const exhaust = async (method: string, url: string, options?: { body?: unknown; headers?: Record<string, string> }) => {
    const key = await admin();
    for (let i = 0; i < LIMIT; i++) await p.call(key, method, url, options);
    return p.call(key, method, url, options);
  };
  const stacksOnly = await p.key(['stacks:read']);
  const common = (operationId: string, method: string, url: string, body?: unknown, forbidden = readOnly): Scenario[] => [
    { operationId, status: 401, run: () => p.call(undefined, method, url, { body }) },
    { operationId, status: 403, run: () => p.call(forbidden, method, url, { body }) },
    { operationId, status: 429, run: () => exhaust(method, url, { body }) },
  ];
  const big = { ...trialBody(), nom: 'x'.repeat(70_000) };
  const text = { 'content-type': 'text/plain' };

  const scenarios: Scenario[] = [
    { operationId: 'createStack', status: 202, run: () => as('POST', '/api/v1/stacks', { body: trialBody() }) },
    { operationId: 'createStack', status: 400, run: () => as('POST', '/api/v1/stacks', { body: trialBody(), headers: { 'idempotency-key': 'avec espace' } }) },
    { operationId: 'createStack', status: 409, run: () => as('POST', '/api/v1/stacks', { body: { ...trialBody(), email: taken.email } }) },
    { operationId: 'createStack', status: 410, run: () => as('POST', '/api/v1/stacks', { body: { clientId: erased.stack.client.id } }) },
    { operationId: 'createStack', status: 413, run: () => as('POST', '/api/v1/stacks', { body: big }) },
    { operationId: 'createStack', status: 415, run: () => as('POST', '/api/v1/stacks', { body: 'nom=Martin', headers: text }) },
    { operationId: 'createStack', status: 422, run: () => as('POST', '/api/v1/stacks', { body: { ...trialBody(), telephone: '12' } }) },
    ...common('createStack', 'POST', '/api/v1/stacks', trialBody()),

    { operationId: 'listStacks', status: 200, run: () => as('GET', '/api/v1/stacks?limit=2') },
    { operationId: 'listStacks', status: 400, run: () => as('GET', '/api/v1/stacks?limit=0') },
    ...common('listStacks', 'GET', '/api/v1/stacks'),

    { operationId: 'getStack', status: 200, run: () => as('GET', `/api/v1/stacks/${busy.stack.name}`) },
    { operationId: 'getStack', status: 400, run: () => as('GET', '/api/v1/stacks/Nom_Invalide') },
    { operationId: 'getStack', status: 404, run: () => as('GET', '/api/v1/stacks/inconnue') },
    ...common('getStack', 'GET', `/api/v1/stacks/${busy.stack.name}`),

    { operationId: 'getStackStatus', status: 200, run: () => as('GET', `/api/v1/stacks/${busy.stack.name}/status`) },
    { operationId: 'getStackStatus', status: 400, run: () => as('GET', '/api/v1/stacks/-x/status') },
    { operationId: 'getStackStatus', status: 404, run: () => as('GET', '/api/v1/stacks/inconnue/status') },
    ...common('getStackStatus', 'GET', `/api/v1/stacks/${busy.stack.name}/status`),

    ...(['suspend', 'resume', 'redeploy', 'delete'] as const).flatMap((kind, i): Scenario[] => {
      const target = kind === 'resume' ? stopped.stack.name : running[i]!.stack.name;
      const [method, url] = kind === 'delete' ? ['DELETE', '/api/v1/stacks/'] : ['POST', '/api/v1/stacks/'];
      const path = (name: string) => `${url}${name}${kind === 'delete' ? '' : `/${kind}`}`;
      return [
        { operationId: `${kind}Stack`, status: 202, run: () => as(method, path(target)) },
        { operationId: `${kind}Stack`, status: 400, run: () => as(method, path('A')) },
        { operationId: `${kind}Stack`, status: 404, run: () => as(method, path('inconnue')) },
        { operationId: `${kind}Stack`, status: 409, run: () => as(method, path(busy.stack.name)) },
        ...common(`${kind}Stack`, method, path('inconnue')),
      ];
    }),

    { operationId: 'getDeployment', status: 200, run: () => as('GET', `/api/v1/deployments/${busy.deployment.id}`) },
    { operationId: 'getDeployment', status: 400, run: () => as('GET', '/api/v1/deployments/abc') },
    { operationId: 'getDeployment', status: 404, run: () => as('GET', '/api/v1/deployments/999999') },
    ...common('getDeployment', 'GET', `/api/v1/deployments/${busy.deployment.id}`),

    { operationId: 'listDeploymentEvents', status: 200, run: () => as('GET', `/api/v1/deployments/${busy.deployment.id}/events`) },
    { operationId: 'listDeploymentEvents', status: 400, run: () => as('GET', `/api/v1/deployments/${busy.deployment.id}/events?after=-1`) },
    { operationId: 'listDeploymentEvents', status: 404, run: () => as('GET', '/api/v1/deployments/999999/events') },
    ...common('listDeploymentEvents', 'GET', `/api/v1/deployments/${busy.deployment.id}/events`),

    { operationId: 'retryDeployment', status: 202, run: () => as('POST', `/api/v1/deployments/${failed.deployment.id}/retry`) },
    { operationId: 'retryDeployment', status: 400, run: () => as('POST', '/api/v1/deployments/0/retry') },
    { operationId: 'retryDeployment', status: 404, run: () => as('POST', '/api/v1/deployments/999999/retry') },
    { operationId: 'retryDeployment', status: 409, run: () => as('POST', `/api/v1/deployments/${busy.deployment.id}/retry`) },
    ...common('retryDeployment', 'POST', '/api/v1/deployments/999999/retry'),

    { operationId: 'listPlans', status: 200, run: () => p.call(readOnly, 'GET', '/api/v1/plans') },
    { operationId: 'listPlans', status: 401, run: () => p.call(undefined, 'GET', '/api/v1/plans') },
    { operationId: 'listPlans', status: 429, run: () => exhaust('GET', '/api/v1/plans') },

    { operationId: 'listClients', status: 200, run: () => as('GET', '/api/v1/clients?limit=2') },
    { operationId: 'listClients', status: 400, run: () => as('GET', '/api/v1/clients?limit=0') },
    ...common('listClients', 'GET', '/api/v1/clients', undefined, stacksOnly),

    ...(['', '/export', '/quotas'] as const).flatMap((suffix): Scenario[] => {
      const operationId = { '': 'getClient', '/export': 'exportClient', '/quotas': 'getClientQuotas' }[suffix];
      return [
        { operationId, status: 200, run: () => as('GET', `/api/v1/clients/${busy.stack.client.id}${suffix}`) },
        { operationId, status: 400, run: () => as('GET', `/api/v1/clients/0${suffix}`) },
        { operationId, status: 404, run: () => as('GET', `/api/v1/clients/999999${suffix}`) },
        { operationId, status: 410, run: () => as('GET', `/api/v1/clients/${erased.stack.client.id}${suffix}`) },
        ...common(operationId, 'GET', `/api/v1/clients/${busy.stack.client.id}${suffix}`, undefined, stacksOnly),
      ];
    }),

    { operationId: 'updateClient', status: 200, run: () => as('PATCH', `/api/v1/clients/${busy.stack.client.id}`, { body: { nom: 'Dupont' } }) },
    { operationId: 'updateClient', status: 400, run: () => as('PATCH', '/api/v1/clients/abc', { body: { nom: 'Dupont' } }) },
    { operationId: 'updateClient', status: 404, run: () => as('PATCH', '/api/v1/clients/999999', { body: { nom: 'Dupont' } }) },
    { operationId: 'updateClient', status: 409, run: () => as('PATCH', `/api/v1/clients/${busy.stack.client.id}`, { body: { email: taken.email } }) },
    { operationId: 'updateClient', status: 410, run: () => as('PATCH', `/api/v1/clients/${erased.stack.client.id}`, { body: { nom: 'Dupont' } }) },
    { operationId: 'updateClient', status: 413, run: () => as('PATCH', `/api/v1/clients/${busy.stack.client.id}`, { body: { nom: 'x'.repeat(70_000) } }) },
    { operationId: 'updateClient', status: 415, run: () => as('PATCH', `/api/v1/clients/${busy.stack.client.id}`, { body: 'nom=Dupont', headers: text }) },
    { operationId: 'updateClient', status: 422, run: () => as('PATCH', `/api/v1/clients/${busy.stack.client.id}`, { body: { telephone: '12' } }) },
    ...common('updateClient', 'PATCH', `/api/v1/clients/${busy.stack.client.id}`, { nom: 'Dupont' }),

    { operationId: 'eraseClient', status: 200, run: () => as('DELETE', `/api/v1/clients/${erased.stack.client.id}`) },
    { operationId: 'eraseClient', status: 202, run: () => as('DELETE', `/api/v1/clients/${ready.stack.client.id}`) },
    { operationId: 'eraseClient', status: 400, run: () => as('DELETE', '/api/v1/clients/-1') },
    { operationId: 'eraseClient', status: 404, run: () => as('DELETE', '/api/v1/clients/999999') },
    { operationId: 'eraseClient', status: 409, run: () => as('DELETE', `/api/v1/clients/${busy.stack.client.id}`) },
    ...common('eraseClient', 'DELETE', '/api/v1/clients/999999'),

    { operationId: 'updateSubscription', status: 200, run: () => as('PATCH', `/api/v1/subscriptions/${busySubscription}`, { body: { extendTrialDays: 5 } }) },
    { operationId: 'updateSubscription', status: 400, run: () => as('PATCH', '/api/v1/subscriptions/abc', { body: { plan: 'pro' } }) },
    { operationId: 'updateSubscription', status: 404, run: () => as('PATCH', '/api/v1/subscriptions/999999', { body: { plan: 'pro' } }) },
    { operationId: 'updateSubscription', status: 409, run: () => as('PATCH', `/api/v1/subscriptions/${busySubscription}`, { body: { plan: 'starter' } }) },
    { operationId: 'updateSubscription', status: 410, run: () => as('PATCH', `/api/v1/subscriptions/${erasedSubscription}`, { body: { plan: 'pro' } }) },
    { operationId: 'updateSubscription', status: 413, run: () => as('PATCH', `/api/v1/subscriptions/${busySubscription}`, { body: { plan: 'x'.repeat(70_000) } }) },
    { operationId: 'updateSubscription', status: 415, run: () => as('PATCH', `/api/v1/subscriptions/${busySubscription}`, { body: 'plan=pro', headers: text }) },
    { operationId: 'updateSubscription', status: 422, run: () => as('PATCH', `/api/v1/subscriptions/${busySubscription}`, { body: { plan: 'pro', status: 'cancelled' } }) },
    ...common('updateSubscription', 'PATCH', `/api/v1/subscriptions/${busySubscription}`, { plan: 'pro' }),

    { operationId: 'legacyCreateStack', status: 202, run: () => as('POST', '/api/stacks/create', { body: { client_name: 'Ancienne Maçonnerie', email: 'contact@ancienne-maconnerie.fr', plan: 'essai' } }) },
    { operationId: 'legacyCreateStack', status: 400, run: () => as('POST', '/api/stacks/create', { body: '{"client_name":', headers: { 'content-type': 'application/json' } }) },
    { operationId: 'legacyCreateStack', status: 409, run: () => as('POST', '/api/stacks/create', { body: { client_name: 'Doublon', email: taken.email, plan: 'essai' } }) },
    { operationId: 'legacyCreateStack', status: 413, run: () => as('POST', '/api/stacks/create', { body: { client_name: 'x'.repeat(70_000), email: 'a@b.fr', plan: 'essai' } }) },
    { operationId: 'legacyCreateStack', status: 415, run: () => as('POST', '/api/stacks/create', { body: 'client_name=x', headers: text }) },
    { operationId: 'legacyCreateStack', status: 422, run: () => as('POST', '/api/stacks/create', { body: { client_name: 'Sans E-mail', plan: 'essai' } }) },
    ...common('legacyCreateStack', 'POST', '/api/stacks/create', { client_name: 'Refusée', email: 'refusee@btp.fr', plan: 'essai' }),

    { operationId: 'legacyGetStackStatus', status: 200, run: () => as('GET', `/api/stacks/${busy.stack.name}/status`) },
    { operationId: 'legacyGetStackStatus', status: 400, run: () => as('GET', '/api/stacks/%20/status') },
    { operationId: 'legacyGetStackStatus', status: 404, run: () => as('GET', '/api/stacks/inconnue/status') },
    ...common('legacyGetStackStatus', 'GET', `/api/stacks/${busy.stack.name}/status`),
  ];

  for (const scenario of scenarios) {
    const response = await scenario.run();
    assert.equal(response.statusCode, scenario.status, `${scenario.operationId} → ${scenario.status}: got ${response.statusCode} ${response.body.slice(0, 300)}`);
    if (scenario.status >= 400) {
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/, `${scenario.operationId} ${scenario.status}`);
      const problem = response.json();
      assert.equal(problem.status, scenario.status);
      assert.match(problem.type, /^https:\/\/erp-btp\.fr\/problemes\/[a-z-]+$/);
      assert.equal(problem.type.split('/').at(-1), problem.code);
      assert.ok(problem.title.length > 0 && problem.detail?.length > 0, `${scenario.operationId} ${scenario.status}: title and detail`);
    }
    if (scenario.status === 202) assert.match(String(response.headers.location), /^\/api\/v1\/deployments\/\d+$/);
    if (scenario.status === 429) assert.ok(Number(response.headers['retry-after']) > 0);
  }

  const document = (await p.call(undefined, 'GET', '/api/openapi.json')).json() as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>> };
  const documented = new Set<string>();
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations)) for (const status of Object.keys(operation.responses)) documented.add(`${operation.operationId} ${status}`);
  }
  const exercised = new Set(scenarios.map((s) => `${s.operationId} ${s.status}`));
  assert.deepEqual([...documented].filter((s) => !exercised.has(s)).sort(), [], 'documented but never exercised');
  assert.deepEqual([...exercised].filter((s) => !documented.has(s)).sort(), [], 'exercised but not documented');
});
