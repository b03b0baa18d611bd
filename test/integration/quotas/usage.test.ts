// PUT /api/tenant/v1/usage on the real platform: reports kept as history, the 80 % e-mail queued once
// per subscription, plan and resource, and the client page's « Utilisation et quotas » card.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderEmail } from '../../../src/mail/mail-templates.ts';
import { signInAs } from '../../helpers/admin.ts';
import { startTestPlatform } from '../../helpers/platform.ts';
import { createTenantStack, quotaEmails, setPlan, tenantApi } from './helpers.ts';

const GB = 1024 ** 3;

test('usage reports, the 80 % e-mail and the usage card', async (t) => {
  const platform = await startTestPlatform(t);
  const { app, sql } = platform;
  const samples = async (stackId: number) =>
    (await sql.query('select users, projects, storage_bytes::float8 as bytes from usage_samples where stack_id = $1 order by id', [stackId])).rows
      .map((r) => [r.users, r.projects, r.bytes]);

  await t.test('each report is kept; one identical to the last within the hour is not stored again', async () => {
    const stack = await createTenantStack(sql);
    const api = tenantApi(app, stack.token);
    for (const usage of [{ users: 1, projects: 0, storageBytes: 8_000_000 }, { users: 1, projects: 2, storageBytes: 9_000_000 }, { users: 2, projects: 2, storageBytes: 9_500_000 }]) {
      const response = await api.usage(usage);
      assert.equal(response.statusCode, 204);
      assert.equal(response.body, '');
    }
    assert.equal((await api.usage({ users: 2, projects: 2, storageBytes: 9_500_000 })).statusCode, 204, 'a repeat is still accepted');
    assert.deepEqual(await samples(stack.stackId), [[1, 0, 8_000_000], [1, 2, 9_000_000], [2, 2, 9_500_000]]);
    // An hour later the same figures are stored: the history shows the instance still reporting.
    await sql.query(`update usage_samples set reported_at = reported_at - interval '61 minutes' where stack_id = $1`, [stack.stackId]);
    await api.usage({ users: 2, projects: 2, storageBytes: 9_500_000 });
    assert.equal((await samples(stack.stackId)).length, 4);
  });

  await t.test('over a limit, staff get one quota_exceeded alert; back under it, the alert is resolved', async () => {
    const stack = await createTenantStack(sql, { plan: 'essai' });
    const api = tenantApi(app, stack.token);
    const alerts = async () => (await sql.query("select key, status from alerts where kind = 'quota_exceeded' and stack_id = $1 order by id", [stack.stackId])).rows;
    await api.usage({ users: 2, projects: 1, storageBytes: 1_000 });
    await api.usage({ users: 3, projects: 1, storageBytes: 1_000 });
    assert.deepEqual(await alerts(), [{ key: `quota_exceeded:stack:${stack.stackId}:users`, status: 'open' }], 'the essai plan allows 2 users: one alert, opened once');
    await api.usage({ users: 1, projects: 1, storageBytes: 1_000 });
    assert.deepEqual((await alerts()).map((a) => a.status), ['resolved']);
  });

  await t.test('the 80 % e-mail is queued once though usage is reported five times, and again only for a new plan crossed again', async () => {
    const stack = await createTenantStack(sql, { plan: 'essai', prenom: 'Julie', entreprise: 'Martin Rénovation' });
    const api = tenantApi(app, stack.token);
    await api.usage({ users: 1, projects: 3, storageBytes: 1_000 });
    assert.equal((await quotaEmails(sql, stack.clientId)).length, 0, '3 of 5 is below 80 %');
    for (let i = 0; i < 5; i++) assert.equal((await api.usage({ users: 1, projects: 4, storageBytes: 2_000 + i })).statusCode, 204);
    assert.equal((await samples(stack.stackId)).length, 6, 'every report stored');
    const [email, ...others] = await quotaEmails(sql, stack.clientId);
    assert.equal(others.length, 0);
    assert.deepEqual(email!.recipients, [stack.email]);
    assert.equal(email!.dedupe_key, `quota-warning:subscription:${stack.subscriptionId}:essai:projects`);
    assert.deepEqual(email!.params, {
      prenom: 'Julie', entreprise: 'Martin Rénovation', planName: 'Essai', resource: 'projects', used: 4, limit: 5,
      upgradeKind: 'pricing', upgradeUrl: 'http://localhost:0/tarifs',
    });
    const { rows: warnings } = await sql.query('select plan, resource from quota_warnings where subscription_id = $1', [stack.subscriptionId]);
    assert.deepEqual(warnings, [{ plan: 'essai', resource: 'projects' }]);
    // The job that sends it was queued in the same transaction.
    const { rows: jobs } = await sql.query(`select count(*)::int as n from pgboss.job where name = 'mail.deliver'`);
    assert.ok(jobs[0].n >= 1);

    const mail = renderEmail('quota-warning', { ...email!.params, supportEmail: 'support@erp-btp.fr' });
    assert.equal(mail.subject, 'Votre ERP BTP approche de la limite de l’offre Essai\u00a0: 4\u00a0chantiers sur 5');
    assert.match(mail.text, /Bonjour Julie,/);
    assert.match(mail.text, /L’ERP BTP de Martin Rénovation arrive à 80\u00a0% de sa limite de chantiers \(offre Essai\)\./);
    assert.match(mail.text, /Utilisation\u00a0: 4\u00a0chantiers sur 5 \(80\u00a0%\)/);
    assert.match(mail.text, /vos chantiers existants restent accessibles et modifiables/);
    assert.match(mail.text, /Comparer les offres\u00a0: http:\/\/localhost:0\/tarifs/);
    assert.match(mail.text, /écrivez-nous à support@erp-btp\.fr/);

    // Starter: 4 of 50 is nothing to warn about; 40 of 50 is, once.
    await setPlan(sql, stack.subscriptionId, 'starter', 'active');
    await api.usage({ users: 1, projects: 4, storageBytes: 3_000 });
    assert.equal((await quotaEmails(sql, stack.clientId)).length, 1);
    for (const projects of [40, 41, 45]) await api.usage({ users: 1, projects, storageBytes: 3_000 });
    const afterStarter = await quotaEmails(sql, stack.clientId);
    assert.deepEqual(afterStarter.map((e) => e.dedupe_key), [
      `quota-warning:subscription:${stack.subscriptionId}:essai:projects`, `quota-warning:subscription:${stack.subscriptionId}:starter:projects`,
    ]);
    assert.deepEqual([afterStarter[1]!.params.used, afterStarter[1]!.params.limit, afterStarter[1]!.params.planName], [40, 50, 'Starter']);
    // Back to a plan already warned about on this subscription: no second e-mail for it.
    await setPlan(sql, stack.subscriptionId, 'essai');
    await api.usage({ users: 1, projects: 5, storageBytes: 3_000 });
    assert.equal((await quotaEmails(sql, stack.clientId)).length, 2);
  });

  await t.test('concurrent reports past 80 % still queue a single e-mail per resource; the limit itself says « atteint »', async () => {
    const stack = await createTenantStack(sql, { plan: 'essai' });
    const api = tenantApi(app, stack.token);
    const responses = await Promise.all(Array.from({ length: 5 }, (_, i) => api.usage({ users: 2, projects: 0, storageBytes: Math.ceil(0.9 * GB) + i })));
    assert.deepEqual(responses.map((r) => r.statusCode), [204, 204, 204, 204, 204]);
    const emails = await quotaEmails(sql, stack.clientId);
    assert.deepEqual(emails.map((e) => e.params.resource).sort(), ['storage', 'users']);
    const users = renderEmail('quota-warning', { ...emails.find((e) => e.params.resource === 'users')!.params, supportEmail: 'support@erp-btp.fr' });
    assert.equal(users.subject, 'Votre ERP BTP a atteint la limite de l’offre Essai\u00a0: 2\u00a0utilisateurs sur 2');
    assert.match(users.text, /il n’est plus possible d’ajouter d’utilisateurs\. Rien n’est supprimé ni bloqué pour autant/);
    const storage = renderEmail('quota-warning', { ...emails.find((e) => e.params.resource === 'storage')!.params, supportEmail: 'support@erp-btp.fr' });
    assert.match(storage.text, /Utilisation\u00a0: 0,9\u00a0Go sur 1\u00a0Go \(90\u00a0%\)/);
  });

  await t.test('no quota e-mail for a subscription that no longer serves, nor for a plan whose resource is unlimited', async () => {
    const suspended = await createTenantStack(sql, { plan: 'essai', status: 'suspended' });
    await tenantApi(app, suspended.token).usage({ users: 2, projects: 5, storageBytes: GB });
    assert.equal((await samples(suspended.stackId)).length, 1, 'stored all the same');
    assert.equal((await quotaEmails(sql, suspended.clientId)).length, 0);
    const enterprise = await createTenantStack(sql, { plan: 'enterprise', status: 'active' });
    await tenantApi(app, enterprise.token).usage({ users: 500, projects: 9_000, storageBytes: 900 * GB });
    assert.equal((await quotaEmails(sql, enterprise.clientId)).length, 0);
    // Pro's users are limited (15) and only a quoted plan has more: the e-mail points to the contact form.
    const pro = await createTenantStack(sql, { plan: 'pro', status: 'active' });
    await tenantApi(app, pro.token).usage({ users: 12, projects: 9_000, storageBytes: GB });
    const [email, ...others] = await quotaEmails(sql, pro.clientId);
    assert.equal(others.length, 0);
    assert.deepEqual([email!.params.resource, email!.params.upgradeKind, email!.params.upgradeUrl], ['users', 'contact', 'http://localhost:0/contact?sujet=enterprise']);
  });

  await t.test('the client page shows the latest usage against each limit, its badges, the date and the last ten reports', async () => {
    const stack = await createTenantStack(sql, { plan: 'essai' });
    const viewer = await signInAs(app, platform.database.url, 'viewer');
    const page = `/admin/clients/${stack.clientId}`;
    assert.match((await viewer.get(page)).body, /L’instance n’a pas encore transmis son utilisation/);

    const api = tenantApi(app, stack.token);
    for (let i = 0; i < 12; i++) await api.usage({ users: 1, projects: i % 5, storageBytes: 100_000_000 + i });
    await api.usage({ users: 2, projects: 4, storageBytes: Math.round(0.25 * GB) });
    const body = (await viewer.get(page)).body;
    const card = body.slice(body.indexOf('id="quotas"'), body.indexOf('</section>', body.indexOf('id="quotas"')));
    assert.match(card, /Dernière mesure reçue le \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} \(offre Essai\)/);
    assert.match(card, /data-usage="users" data-level="exceeded"[^]*?Limite atteinte[^]*?2 \/ 2 utilisateurs[^]*?<progress class="progress__bar" max="2" value="2"/);
    assert.match(card, /class="progress progress--error" data-usage="users"/);
    assert.match(card, /data-usage="projects" data-level="warning"[^]*?Proche de la limite[^]*?4 \/ 5 chantiers[^]*?max="5" value="4"/);
    assert.match(card, /data-usage="storage" data-level="ok"[^]*?0,25 \/ 1 Go/);
    assert.doesNotMatch(card.slice(card.indexOf('data-usage="storage"')), /Proche de la limite|Limite atteinte/);
    assert.equal(card.match(/<tr><td class="nowrap">/g)?.length, 10, 'the last ten reports');
    assert.doesNotMatch(card, /pas encore transmis/);
  });
});
