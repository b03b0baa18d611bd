// The authorization matrix: every API route × (no key, a malformed one, an unknown one, an expired one, a revoked
// one, a key of each scope). Keys that open nothing get a 401 naming why; a valid key without the route's scope a
// 403; a key with it (or `admin`) gets through to the route (which then answers its own 2xx/4xx).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ApiScope, apiScopes } from '../../../src/db/schema.ts';
import { startApiPlatform } from './helpers.ts';

interface Route {
  operationId: string;
  method: string;
  url: string;
  scope: ApiScope | 'any';
  /** What the route answers once through the guard (no such resource, or an empty body). */
  pass: number;
  body?: unknown;
}

const ROUTES: Route[] = [
  { operationId: 'createStack', method: 'POST', url: '/api/v1/stacks', scope: 'stacks:write', pass: 422, body: {} },
  { operationId: 'listStacks', method: 'GET', url: '/api/v1/stacks', scope: 'stacks:read', pass: 200 },
  { operationId: 'getStack', method: 'GET', url: '/api/v1/stacks/inconnue', scope: 'stacks:read', pass: 404 },
  { operationId: 'getStackStatus', method: 'GET', url: '/api/v1/stacks/inconnue/status', scope: 'stacks:read', pass: 404 },
  { operationId: 'suspendStack', method: 'POST', url: '/api/v1/stacks/inconnue/suspend', scope: 'stacks:write', pass: 404 },
  { operationId: 'resumeStack', method: 'POST', url: '/api/v1/stacks/inconnue/resume', scope: 'stacks:write', pass: 404 },
  { operationId: 'redeployStack', method: 'POST', url: '/api/v1/stacks/inconnue/redeploy', scope: 'stacks:write', pass: 404 },
  { operationId: 'deleteStack', method: 'DELETE', url: '/api/v1/stacks/inconnue', scope: 'stacks:write', pass: 404 },
  { operationId: 'getDeployment', method: 'GET', url: '/api/v1/deployments/999999', scope: 'stacks:read', pass: 404 },
  { operationId: 'listDeploymentEvents', method: 'GET', url: '/api/v1/deployments/999999/events', scope: 'stacks:read', pass: 404 },
  { operationId: 'retryDeployment', method: 'POST', url: '/api/v1/deployments/999999/retry', scope: 'stacks:write', pass: 404 },
  { operationId: 'listPlans', method: 'GET', url: '/api/v1/plans', scope: 'any', pass: 200 },
  { operationId: 'listClients', method: 'GET', url: '/api/v1/clients', scope: 'clients:read', pass: 200 },
  { operationId: 'getClient', method: 'GET', url: '/api/v1/clients/999999', scope: 'clients:read', pass: 404 },
  { operationId: 'updateClient', method: 'PATCH', url: '/api/v1/clients/999999', scope: 'clients:write', pass: 422, body: {} },
  { operationId: 'exportClient', method: 'GET', url: '/api/v1/clients/999999/export', scope: 'clients:read', pass: 404 },
  { operationId: 'eraseClient', method: 'DELETE', url: '/api/v1/clients/999999', scope: 'clients:write', pass: 404 },
  { operationId: 'getClientQuotas', method: 'GET', url: '/api/v1/clients/999999/quotas', scope: 'clients:read', pass: 404 },
  { operationId: 'updateSubscription', method: 'PATCH', url: '/api/v1/subscriptions/999999', scope: 'clients:write', pass: 422, body: {} },
  { operationId: 'legacyCreateStack', method: 'POST', url: '/api/stacks/create', scope: 'stacks:write', pass: 422, body: {} },
  { operationId: 'legacyGetStackStatus', method: 'GET', url: '/api/stacks/inconnue/status', scope: 'stacks:read', pass: 404 },
];

test('every API route answers each kind of key according to its scope', { timeout: 300_000 }, async (t) => {
  const p = await startApiPlatform(t);
  const refused = {
    expired: await p.key(['admin'], 'expired'),
    revoked: await p.key(['admin'], 'revoked'),
    unknown: `ebk_abcdefgh_${'A'.repeat(43)}`,
    malformed: 'pas-une-cle',
  };
  const scoped = Object.fromEntries(await Promise.all(apiScopes.map(async (scope) => [scope, await p.key([scope])] as const))) as Record<ApiScope, string>;

  // The table is the whole API: a new route without a line here fails the test.
  const apiRoutes = p.app.routeTable.filter((r) => /^\/api\/(v1\/|stacks\/)/.test(r.url)).map((r) => `${r.method} ${r.url}`).sort();
  const tableRoutes = new Set(ROUTES.map((r) => r.url.replace(/inconnue|999999/g, '*')));
  for (const route of apiRoutes) assert.ok([...tableRoutes].some((u) => route.split(' ')[1]!.replace(/:(name|id)/g, '*') === u), `${route} is in the matrix`);
  assert.equal(apiRoutes.length, ROUTES.length);

  // The document says the same scopes.
  const document = (await p.call(undefined, 'GET', '/api/openapi.json')).json();
  const security = new Map<string, string[]>();
  for (const operations of Object.values(document.paths) as Record<string, { operationId: string; security: { apiKey: string[] }[] }>[]) {
    for (const operation of Object.values(operations)) security.set(operation.operationId, operation.security[0]!.apiKey);
  }

  for (const route of ROUTES) {
    await t.test(`${route.method} ${route.url}`, async () => {
      assert.deepEqual(security.get(route.operationId), route.scope === 'any' ? [] : [route.scope]);
      const send = (key: string | undefined) => p.call(key, route.method, route.url, { body: route.body });

      const none = await send(undefined);
      assert.equal(none.statusCode, 401);
      assert.equal(none.json().code, 'unauthenticated');
      assert.equal(none.headers['www-authenticate'], 'Bearer realm="api"');
      for (const [kind, code] of [['malformed', 'invalid-key'], ['unknown', 'invalid-key'], ['expired', 'key-expired'], ['revoked', 'key-revoked']] as const) {
        const response = await send(refused[kind]);
        assert.equal(response.statusCode, 401, kind);
        assert.equal(response.json().code, code, kind);
      }

      for (const scope of apiScopes) {
        const response = await send(scoped[scope]);
        const allowed = route.scope === 'any' || scope === route.scope || scope === 'admin';
        if (allowed) {
          assert.equal(response.statusCode, route.pass, `${scope}: ${response.body}`);
        } else {
          assert.equal(response.statusCode, 403, scope);
          assert.equal(response.json().code, 'insufficient-scope');
          assert.equal(response.headers['www-authenticate'], `Bearer realm="api", error="insufficient_scope", scope="${route.scope}"`);
        }
      }
    });
  }
});

test('the OpenAPI document and its page need no key; the page has its own content security policy', async (t) => {
  const p = await startApiPlatform(t);
  const document = await p.call(undefined, 'GET', '/api/openapi.json');
  assert.equal(document.statusCode, 200);
  assert.equal(document.json().openapi, '3.1.0');
  const page = await p.call(undefined, 'GET', '/api/docs');
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers['content-type']), /^text\/html/);
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /img-src 'self' data:/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const script = await p.call(undefined, 'GET', '/api/docs/static/swagger-initializer.js');
  assert.equal(script.statusCode, 200);
  // The page's policy is its own: the site and the API keep theirs.
  const site = String((await p.app.inject({ method: 'GET', url: '/' })).headers['content-security-policy']);
  assert.notEqual(site, csp);
  assert.equal(String((await p.call(undefined, 'GET', '/api/v1/plans')).headers['content-security-policy']), site);
});
