// The demo ERP (tenant/) against the real platform, end to end: on the Essai plan it adds a second user,
// refuses a third with the platform's own words, and its usage report lands in the platform's history.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureUsage } from '../../../tenant/platform/usage.ts';
import { startTestPlatform } from '../../helpers/platform.ts';
import { createClient, loginAndChangePassword, startTenant, testDatabase } from '../tenant/helpers.ts';
import { createTenantStack, quotaEmails } from './helpers.ts';

test('the demo ERP on the Essai plan refuses a third user with the platform’s message, and reports its usage', async (t) => {
  const platform = await startTestPlatform(t);
  const stack = await createTenantStack(platform.sql, { plan: 'essai' });
  // QUOTA_USERS says otherwise on purpose: the platform's answer prevails while it answers.
  const tenant = await startTenant(t, await testDatabase(t), { PLATFORM_URL: platform.url, TENANT_TOKEN: stack.token, QUOTA_USERS: '10' });
  const admin = createClient(tenant.app);
  await loginAndChangePassword(admin);
  await admin.get('/utilisateurs');

  assert.equal((await admin.post('/utilisateurs', { username: 'marie', password: 'Provisoire-2026!' })).statusCode, 303, 'second user allowed (1 of 2)');
  await admin.get('/utilisateurs');
  const refused = await admin.post('/utilisateurs', { username: 'paul', password: 'Provisoire-2026!' });
  assert.equal(refused.statusCode, 403);
  assert.ok(refused.body.includes('Votre offre Essai est limitée à 2\u00a0utilisateurs. Pour ajouter d’autres utilisateurs, passez à une offre supérieure\u00a0: http://localhost:0/tarifs'),
    refused.body.match(/Votre offre[^<]*/)?.[0]);
  const { rows: users } = await tenant.deps.pool.query('select username from users order by username');
  assert.deepEqual(users.map((u) => u.username), ['jean.dupont', 'marie'], 'nothing created, nothing removed');

  // What the hourly reporter does, once, now.
  assert.equal(await tenant.deps.platform.reportUsage(await measureUsage(tenant.deps.pool)), true);
  const { rows: [sample] } = await platform.sql.query('select users, projects, storage_bytes from usage_samples where stack_id = $1', [stack.stackId]);
  assert.equal(sample.users, 2);
  assert.equal(sample.projects, 0);
  assert.ok(Number(sample.storage_bytes) > 1_000_000, 'the database size in bytes');
  assert.deepEqual((await quotaEmails(platform.sql, stack.clientId)).map((e) => e.params.resource), ['users'], '2 of 2 users: the one warning');
});
