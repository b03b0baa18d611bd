// Secrets never reach the logs, whatever happens: logins, password changes, platform calls, failures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureUsage } from '../../../tenant/platform/usage.ts';
import { startUsageReporter } from '../../../tenant/platform/usage.ts';
import {
  createClient,
  INITIAL_PASSWORD,
  INITIAL_USERNAME,
  SECRET_KEY,
  startFakePlatform,
  startTenant,
  subscriptionBody,
  TENANT_TOKEN,
  testDatabase,
} from './helpers.ts';

const DB_PASSWORD = 'DbPassw0rd-NeverLogged';
const NEW_PASSWORD = 'Mon-Nouveau-Secret-Chantier';

test('secrets never appear in the logs', async (t) => {
  let subscriptionStatus = 200;
  const platform = await startFakePlatform(t, (request) => {
    if (request.url?.endsWith('/subscription')) return { status: subscriptionStatus, body: subscriptionBody() };
    if (request.url?.endsWith('/usage')) return { status: 204 };
    return { status: 500 };
  });
  const url = new URL(await testDatabase(t));
  // The server's own password when it has one (embedded PostgreSQL); otherwise a value that
  // trust authentication ignores but that is present in the config. Either must never be logged.
  const dbPassword = url.password ? decodeURIComponent(url.password) : DB_PASSWORD;
  url.password = encodeURIComponent(dbPassword);
  const tenant = await startTenant(t, url.toString(), { PLATFORM_URL: platform.url, TENANT_TOKEN, LOG_LEVEL: 'trace' });
  const client = createClient(tenant.app);

  await client.login(INITIAL_USERNAME, 'a-wrong-password-attempt');
  await client.login(INITIAL_USERNAME, INITIAL_PASSWORD);
  await client.get('/mot-de-passe');
  await client.post('/mot-de-passe', { current: INITIAL_PASSWORD, next: 'short', confirmation: 'short' });
  await client.post('/mot-de-passe', { current: INITIAL_PASSWORD, next: NEW_PASSWORD, confirmation: NEW_PASSWORD });
  await client.get('/');
  await client.get('/chantiers/nouveau');
  await client.post('/chantiers/nouveau', { name: 'Quai', client: 'Port', status: 'a_venir' }); // quota check → 500 → fail open
  await client.post('/chantiers/nouveau', { name: 'Quai', client: 'Port', status: 'a_venir' }, { csrf: null });
  subscriptionStatus = 401;
  await tenant.deps.platform.getSubscription();
  // The usage report goes through the same client, with the token.
  const reporter = startUsageReporter({ platform: tenant.deps.platform, db: tenant.deps.pool, log: tenant.deps.log, firstDelayMs: 60_000 });
  await reporter.reportNow();
  reporter.stop();
  assert.ok(platform.requests.some((r) => r.method === 'PUT' && r.url === '/api/tenant/v1/usage'));
  assert.deepEqual(Object.keys(JSON.parse(platform.requests.find((r) => r.method === 'PUT')?.body ?? '{}')), ['users', 'projects', 'storageBytes']);
  assert.ok((await measureUsage(tenant.deps.pool)).storageBytes > 0);

  tenant.deps.log.flush();
  const logs = tenant.logs();
  if (process.env.DEBUG_TENANT_LOGS) console.log(logs);
  assert.ok(logs.length > 1_000, 'the flow was logged');
  const sessionCookie = client.jar.get('erp_session') ?? 'no-session';
  const csrfCookie = client.jar.get('erp_csrf') ?? 'no-csrf';
  for (const [name, secret] of Object.entries({
    SECRET_KEY,
    INITIAL_PASSWORD,
    NEW_PASSWORD,
    TENANT_TOKEN,
    dbPassword,
    sessionCookie,
    csrfCookie,
    csrfToken: client.token ?? 'no-token',
  })) {
    assert.ok(!logs.includes(secret), `${name} appears in the logs`);
  }
  assert.doesNotMatch(logs, /scrypt\$/, 'no password hash');
  for (const line of logs.trim().split('\n')) JSON.parse(line); // structured JSON, one object per line
});
