// « Alertes » in the dashboard through the real platform: the list by status, an alert's page with its timeline,
// the acknowledgement (operators only, audited, once), the navigation and the overview's current alerts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_WEBHOOK_SETTINGS } from '../../../src/alerts/alert-notifier.ts';
import { createAlerts } from '../../../src/alerts/alerts.service.ts';
import { openDatabase } from '../../../src/db/database.ts';
import { startQueue } from '../../../src/jobs/queue.ts';
import { createEmailQueuer } from '../../../src/mail/outbox.ts';
import { signInAs } from '../../helpers/admin.ts';
import { startTestPlatform } from '../../helpers/platform.ts';

const HOSTILE = '<script>alert("x")</script> Bâti';

test('staff see alerts by status with their timeline; operators acknowledge them (audited), viewers may not', async (t) => {
  const platform = await startTestPlatform(t);
  const database = openDatabase(platform.database.url, { max: 2 });
  const queue = await startQueue(platform.database.url, platform.logs.log);
  platform.onTeardown(async () => {
    await queue.stop({ graceful: false });
    await database.close();
  });
  const alerts = createAlerts({
    pool: database.pool, db: database.db, queue, queueEmail: createEmailQueuer({ queue, messageDomain: 'localhost' }), log: platform.logs.log,
    settings: { publicUrl: 'http://localhost', adminEmails: ['exploitation@erp-btp.fr'], webhookUrls: [], reminderMs: 3_600_000, recoveryDelayMs: 0, ...DEFAULT_WEBHOOK_SETTINGS },
  });
  const [client] = (await platform.sql.query(`insert into clients (entreprise, nom, prenom, email, telephone, effectif)
    values ($1, 'Durand', 'Paul', 'paul@durand.fr', '+33612345678', '1-5') returning id`, [HOSTILE])).rows;
  const failed = await alerts.open({
    kind: 'deployment_failed', key: 'deployment_failed:stack:1', clientId: client.id,
    params: { company: HOSTILE, stack: 'durand-bati', deploymentId: 4, step: 'deploy', error: 'port <41000> busy' },
  });
  const environment = await alerts.open({ kind: 'environment_unreachable', key: 'environment_unreachable:portainer:2', environment: '2', params: { orchestrator: 'portainer' } });
  const silenced = await alerts.open({ kind: 'instance_down', key: 'instance_down:stack:2', environment: '2', params: { stack: 'lefevre-maconnerie' } });
  const old = await alerts.open({ kind: 'email_dead', key: 'email_dead:email:3', params: { emailId: 3, template: 'welcome', recipients: 'a@b.fr', error: '550' } });
  await alerts.resolve('email_dead:email:3');

  const [viewer, operator] = [await signInAs(platform.app, platform.database.url, 'viewer'), await signInAs(platform.app, platform.database.url, 'operator')];
  const list = await viewer.get('/admin/alertes');
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /<a class="admin-nav__link" href="\/admin\/alertes" aria-current="page">/);
  assert.match(list.body, />Ouvertes \(3\)</);
  assert.match(list.body, />Acquittées \(0\)</);
  assert.match(list.body, new RegExp(`href="/admin/alertes/${failed.id}">Échec de déploiement</a>`));
  assert.match(list.body, new RegExp(`href="/admin/clients/${client.id}">instance durand-bati \\(&#60;script&#62;`));
  assert.doesNotMatch(list.body, /<script>alert/);
  assert.match(list.body, /Environnement injoignable/);
  assert.match(list.body, /environnement 2 \(portainer\)/);
  assert.match(list.body, /non notifiée/, 'the silenced stack alert');
  assert.doesNotMatch(list.body, /E-mail abandonné/, 'resolved: not in the open tab');
  assert.match((await viewer.get('/admin/alertes?statut=resolved')).body, new RegExp(`href="/admin/alertes/${old.id}">E-mail abandonné`));
  assert.equal((await viewer.get('/admin/alertes?statut=all')).body.match(/<tr>/g)?.length, 1 + 4);

  const page = await viewer.get(`/admin/alertes/${failed.id}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Alerte n°\u00a0\d+/);
  assert.match(page.body, /port &#60;41000&#62; busy/);
  assert.match(page.body, /<a href="\/admin\/deploiements\/4">n°\u00a04<\/a>/, 'the failed deployment, linked');
  assert.match(page.body, /Alerte ouverte/);
  assert.match(page.body, /Notification d’ouverture envoyée aux canaux/);
  assert.doesNotMatch(page.body, /acquitter"/, 'no acknowledge button for a viewer');
  assert.equal((await viewer.post(`/admin/alertes/${failed.id}/acquitter`)).statusCode, 403);
  assert.match((await viewer.get(`/admin/alertes/${silenced.id}`)).body, new RegExp(`Non notifiée.*href="/admin/alertes/${environment.id}"`, 's'));

  const operatorPage = await operator.get(`/admin/alertes/${failed.id}`);
  assert.match(operatorPage.body, new RegExp(`action="/admin/alertes/${failed.id}/acquitter"`));
  const acknowledged = await operator.post(`/admin/alertes/${failed.id}/acquitter`);
  assert.equal(acknowledged.statusCode, 303);
  assert.equal(acknowledged.headers.location, `/admin/alertes/${failed.id}?fait=alertAcknowledged`);
  const after = await operator.get(acknowledged.headers.location as string);
  assert.match(after.body, /L’alerte est acquittée/);
  assert.match(after.body, new RegExp(`Acquittée par ${operator.account.email.replaceAll('.', '\\.')}`));
  assert.doesNotMatch(after.body, /acquitter"/, 'acknowledged once');
  const again = await operator.post(`/admin/alertes/${failed.id}/acquitter`);
  assert.equal(again.statusCode, 409);
  assert.match(again.body, /n’est plus ouverte/);
  const { rows: audit } = await platform.sql.query(`select actor_label, target_type, target_id, client_id, details from audit_log where action = 'alert.acknowledged'`);
  assert.deepEqual(audit, [{ actor_label: operator.account.email, target_type: 'alert', target_id: String(failed.id), client_id: client.id, details: { kind: 'deployment_failed', key: 'deployment_failed:stack:1' } }]);
  assert.match((await operator.get('/admin/alertes?statut=acknowledged')).body, />Acquittées \(1\)</);

  assert.equal((await viewer.get('/admin/alertes/999999')).statusCode, 404);
  assert.equal((await viewer.get('/admin/alertes/abc')).statusCode, 404);
  assert.equal((await operator.post('/admin/alertes/999999/acquitter')).statusCode, 404);

  const overview = await viewer.get('/admin');
  assert.match(overview.body, /Alertes en cours/);
  assert.match(overview.body, new RegExp(`href="/admin/alertes/${environment.id}"`));
  assert.match(overview.body, /<span class="stat__value">2<\/span><span class="stat__label">Alertes ouvertes<\/span>/);
  assert.doesNotMatch(overview.body, /<script>alert/);
});
