// Every dashboard route, walked as anonymous and as each role: the answer is the sign-in page,
// a 403, or (only where the role table allows it) the page itself. Never data for the wrong person.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StaffRole } from '../../../src/db/schema.ts';
import { can, type Permission } from '../../../src/staff/roles.ts';
import { type AdminClient, signInAs } from '../../helpers/admin.ts';
import { openForm, startTestPlatform } from '../../helpers/platform.ts';

const ROLES: StaffRole[] = ['viewer', 'operator', 'admin', 'owner'];

test('every admin route answers according to the role table', async (t) => {
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0' });
  const { app, sql, database } = platform;
  // One client, so routes with an id have something real behind them.
  const form = await openForm(app, '/essai');
  await app.inject({ method: 'POST', url: '/essai', headers: { cookie: form.cookie }, payload: { _csrf: form.token, nom: 'Secret', prenom: 'Client', email: 'secret@client-btp.fr', entreprise: 'Entreprise Confidentielle', telephone: '0612345678', effectif: '1-5', plan: 'essai', cgv: 'on' } });
  const { rows: [ids] } = await sql.query('select c.id as client, d.id as deployment, (select min(id) from email_outbox) as email from clients c join stacks s on s.client_id = c.id join deployments d on d.stack_id = s.id');
  const fill = (url: string) => url.replace(':id', String(url.includes('/deploiements/') ? ids.deployment : url.includes('/emails/') ? ids.email ?? 1 : url.includes('/comptes/') ? 1 : ids.client)).replace(':token', 'x'.repeat(43));

  const routes = app.routeTable.filter((r) => r.url.startsWith('/admin'));
  const guarded = routes.filter((r) => r.config.access !== 'public');
  assert.ok(guarded.length >= 20, `only ${guarded.length} guarded routes found`);
  const clients = Object.fromEntries(await Promise.all(ROLES.map(async (role) => [role, await signInAs(app, database.url, role)] as const))) as Record<StaffRole, AdminClient>;

  for (const route of guarded) {
    const url = fill(route.url);
    const permission: Permission = route.config.permission ?? 'dashboard:read';
    await t.test(`${route.method} ${route.url}`, async () => {
      const anonymous = await app.inject({ method: route.method as 'GET', url });
      assert.equal(anonymous.statusCode, 303, 'anonymous: redirected');
      assert.match(String(anonymous.headers.location), /^\/admin\/connexion/);
      assert.ok(!anonymous.body.includes('Confidentielle'));
      for (const role of ROLES) {
        if (route.config.access === 'second-factor') continue; // only for sessions waiting for their code: covered by the sign-in test
        const client = clients[role];
        const allowed = can(role, permission);
        // Allowed actions are exercised by each feature's tests; here they would change the state the crawl relies on.
        // An allowed event stream never ends: the deployments test reads it.
        if (allowed && (route.method !== 'GET' || route.url.endsWith('/flux'))) continue;
        const response = route.method === 'GET' ? await client.get(url) : await client.post(url, {});
        if (allowed) {
          assert.notEqual(response.statusCode, 403, `${role} may`);
          assert.ok(response.statusCode < 500, `${role}: ${response.statusCode}`);
        } else {
          assert.equal(response.statusCode, 403, `${role} may not`);
          assert.ok(!response.body.includes('Confidentielle'), `${role}: no data in the refusal`);
        }
      }
    });
  }
});
