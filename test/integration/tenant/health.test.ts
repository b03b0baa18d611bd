// GET /health: what the platform and the orchestrators probe.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTenantApp } from '../../../tenant/app.ts';
import { parseTenantConfig } from '../../../tenant/config.ts';
import { createTenantDeps } from '../../../tenant/deps.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { startTenant, tenantEnv, testDatabase } from './helpers.ts';

describe('tenant health', () => {
  test('answers 200 {"status":"ok"} without authentication when the database answers', async (t) => {
    const tenant = await startTenant(t, await testDatabase(t));
    const response = await tenant.app.inject({ method: 'GET', url: '/health' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok' });
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  test('answers 503 quickly when its database is gone', async (t) => {
    const database = await createTestDatabase({ migrated: false });
    t.after(() => database.drop());
    const tenant = await startTenant(t, database.url);
    assert.equal((await tenant.app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
    await database.drop();
    const started = performance.now();
    const response = await tenant.app.inject({ method: 'GET', url: '/health' });
    assert.equal(response.statusCode, 503);
    assert.deepEqual(response.json(), { status: 'unavailable' });
    assert.ok(performance.now() - started < 3_000, 'answers within the connection timeout');
  });

  test('answers 503 "starting" until the boot work is done, and pages say the instance is starting', async (t) => {
    const database = await createTestDatabase({ migrated: false });
    t.after(() => database.drop());
    const config = parseTenantConfig(tenantEnv(database.url, { LOG_LEVEL: 'silent' }));
    const deps = createTenantDeps(config);
    const app = await buildTenantApp(config, deps);
    t.after(async () => {
      await app.close();
      await deps.close();
    });
    const health = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 503);
    assert.deepEqual(health.json(), { status: 'starting' });
    const page = await app.inject({ method: 'GET', url: '/connexion' });
    assert.equal(page.statusCode, 503);
    assert.match(page.body, /Votre espace ERP BTP démarre/);

    await deps.bootstrap.run({ retry: false });
    assert.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/connexion' })).statusCode, 200);
  });

  test('serves the shared design system and the app stylesheet, and nothing else from those folders', async (t) => {
    const tenant = await startTenant(t, await testDatabase(t));
    const css = await tenant.app.inject({ method: 'GET', url: '/assets/erpbtp.css' });
    assert.equal(css.statusCode, 200);
    assert.match(css.headers['content-type'] as string, /text\/css/);
    assert.equal((await tenant.app.inject({ method: 'GET', url: '/assets/tenant.css' })).statusCode, 200);
    assert.equal((await tenant.app.inject({ method: 'GET', url: '/assets/favicon.svg' })).statusCode, 200);
    assert.equal((await tenant.app.inject({ method: 'GET', url: '/assets/../main.js' })).statusCode, 404);
  });
});
