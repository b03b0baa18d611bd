// « Alertes » in a real browser: the list, an alert's page and the overview pass axe (serious and critical), fit a
// tablet and a phone without horizontal scrolling, and an operator acknowledges an alert with the button.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_WEBHOOK_SETTINGS } from '../../../src/alerts/alert-notifier.ts';
import { createAlerts } from '../../../src/alerts/alerts.service.ts';
import { openDatabase } from '../../../src/db/database.ts';
import { startQueue } from '../../../src/jobs/queue.ts';
import { createEmailQueuer } from '../../../src/mail/outbox.ts';
import { createStaffAccount } from '../../helpers/admin.ts';
import { axeViolations, collectFailedRequests, describeViolations, horizontalOverflow, launchBrowser, newPage, skipWithoutChromium } from '../../helpers/browser.ts';
import { startTestPlatform } from '../../helpers/platform.ts';

test('the alerts pages are accessible, fit small screens, and an operator acknowledges an alert', { skip: skipWithoutChromium, timeout: 120_000 }, async (t) => {
  const browser = await launchBrowser(t);
  const platform = await startTestPlatform(t);
  const database = openDatabase(platform.database.url, { max: 2 });
  const queue = await startQueue(platform.database.url, platform.logs.log);
  platform.onTeardown(async () => {
    await queue.stop({ graceful: false });
    await database.close();
  });
  const alerts = createAlerts({
    pool: database.pool, db: database.db, queue, queueEmail: createEmailQueuer({ queue, messageDomain: 'localhost' }), log: platform.logs.log,
    settings: { publicUrl: platform.url, adminEmails: ['exploitation@erp-btp.fr'], webhookUrls: [], reminderMs: 3_600_000, recoveryDelayMs: 0, ...DEFAULT_WEBHOOK_SETTINGS },
  });
  const [client] = (await platform.sql.query(`insert into clients (entreprise, nom, prenom, email, telephone, effectif)
    values ('Lefèvre Maçonnerie et Fils Rénovation Générale', 'Lefèvre', 'Anne', 'anne@lefevre.fr', '+33612345678', '11-50') returning id`)).rows;
  const failed = await alerts.open({
    kind: 'deployment_failed', key: 'deployment_failed:stack:1', clientId: client.id,
    params: { company: 'Lefèvre Maçonnerie et Fils Rénovation Générale', stack: 'lefevre-maconnerie-et-fils-renovation', deploymentId: 4, step: 'deploy', error: 'Error: connect ECONNREFUSED 10.0.0.12:9443 at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1634:16)'.repeat(3) },
  });
  await alerts.open({ kind: 'environment_unreachable', key: 'environment_unreachable:portainer:2', environment: '2', params: { orchestrator: 'portainer', environment: '2', stacks: 14, error: 'ECONNREFUSED' } });
  await alerts.open({ kind: 'instance_down', key: 'instance_down:stack:2', environment: '2', params: { stack: 'dupont-btp', downSince: new Date().toISOString() } });
  await alerts.open({ kind: 'email_dead', key: 'email_dead:email:3', params: { emailId: 3, template: 'welcome', recipients: 'a@b.fr', error: '550 No such user here' } });
  await alerts.resolve('email_dead:email:3');

  const account = await createStaffAccount(platform.app, platform.database.url, 'operator');
  const page = await newPage(browser, { width: 768 });
  const failures = collectFailedRequests(page);
  await page.goto(`${platform.url}/admin/connexion`);
  await page.getByLabel('Adresse e-mail').fill(account.email);
  await page.getByLabel('Mot de passe').fill(account.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { name: 'Vue d’ensemble' }).waitFor();

  const check = async (what: string) => {
    for (const width of [768, 360]) {
      await page.setViewportSize({ width, height: 800 });
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], `${what} at ${width} px: ${describeViolations(violations)}`);
      assert.equal(await horizontalOverflow(page), 0, `${what} fits ${width} px`);
    }
    await page.setViewportSize({ width: 1280, height: 860 });
    if (process.env.ALERTS_SCREENSHOTS) await page.screenshot({ path: `${process.env.ALERTS_SCREENSHOTS}/${what}.png`, fullPage: true });
  };
  await check('overview');
  await page.getByRole('navigation', { name: 'Sections de l’administration' }).getByRole('link', { name: 'Alertes' }).click();
  await page.getByRole('heading', { name: 'Alertes', level: 1 }).waitFor();
  await check('alerts');
  await page.getByRole('link', { name: 'Échec de déploiement' }).click();
  await page.getByRole('heading', { level: 1, name: /Échec de déploiement/ }).waitFor();
  await check('alert');
  await page.getByRole('button', { name: 'Acquitter' }).click();
  await page.getByText('L’alerte est acquittée').waitFor();
  assert.match(await page.textContent('main') ?? '', new RegExp(`Acquittée par ${account.email.replaceAll('.', '\\.')}`));
  await check('alert-acknowledged');
  assert.equal((await platform.sql.query(`select status from alerts where id = $1`, [failed.id])).rows[0].status, 'acknowledged');
  assert.deepEqual(failures, []);
});
