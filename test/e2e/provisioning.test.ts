// The whole journey in a real browser, with the worker creating a real demo ERP instance (a local
// child process): sign up, watch the tracking page follow the creation live, read the credentials
// shown once, open the instance, change the temporary password, create a chantier.
// Screenshots of the tracking page go to $E2E_SCREENSHOTS (default /tmp/erpbtp-e2e).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  axeViolations, collectFailedRequests, describeViolations, horizontalOverflow, launchBrowser, newPage, skipWithoutChromium,
} from '../helpers/browser.ts';
import { freePort } from '../../src/db/embedded-postgres.ts';
import { createTenantDatabases } from '../../src/orchestrators/local/tenant-database.ts';
import { adminUrl } from '../helpers/database.ts';
import { startTestPlatform } from '../helpers/platform.ts';

const SHOTS = process.env.E2E_SCREENSHOTS ?? '/tmp/erpbtp-e2e';
// The instance's database and role are named after the company, on the server shared by every test file
// and every run: a name of its own keeps runs apart (see the cleanup below).
const COMPANY = `Maçonnerie Lefèvre ${randomBytes(3).toString('hex')}`;
const NEW_PASSWORD = 'Une-Phrase-De-Chantier-2026';
const READY_TIMEOUT_MS = 60_000;

async function signUp(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/essai`);
  await page.getByLabel('Nom', { exact: true }).fill('Lefèvre');
  await page.getByLabel('Prénom').fill('Paul');
  await page.getByLabel('E-mail professionnel').fill('paul@maconnerie-lefevre.fr');
  await page.getByLabel('Entreprise', { exact: true }).fill(COMPANY);
  await page.getByLabel('Téléphone').fill('06 98 76 54 32');
  await page.getByLabel('Effectif de l’entreprise').selectOption({ label: '1 à 5 personnes' });
  await page.getByLabel(/J’ai lu et j’accepte les conditions générales de vente/).check();
  await page.getByRole('button', { name: 'Créer mon espace d’essai' }).click();
  await page.waitForURL(/\/deploiement\/[A-Za-z0-9_-]{43}$/);
}

test('sign up, follow the creation live, then use the new ERP instance', { skip: skipWithoutChromium, timeout: 180_000 }, async (t) => {
  await mkdir(SHOTS, { recursive: true });
  // The browser first: `after` hooks run in order, so it closes (ending its event streams) before the platform stops.
  const browser = await launchBrowser(t);
  // A port of our own for the instance: other test files create instances at the same time.
  const tenantPort = await freePort();
  const platform = await startTestPlatform(
    t, { SIGNUP_RATE_LIMIT: '0', TENANT_PORT_RANGE: `${tenantPort}-${tenantPort}` }, { web: true, worker: true },
  );
  const page = await newPage(browser, { width: 1280 });
  const failed = collectFailedRequests(page);

  await signUp(page, platform.url);
  const trackingUrl = page.url();
  const { rows: [stack] } = await platform.sql.query<{ name: string }>('select name from stacks');
  assert.ok(stack, 'the signup created a stack');
  // Runs after the platform has stopped (hooks run in order): the instance's own database and role go too.
  t.after(() => createTenantDatabases(adminUrl()).drop(stack.name));
  await page.getByText(`Instance ERP BTP de ${COMPANY}`).waitFor();

  // Live: more steps get done without the page being reloaded (a reload would drop the marker).
  const doneAtFirst = await page.evaluate(() => {
    (window as unknown as { notReloaded: boolean }).notReloaded = true;
    return document.querySelectorAll('.step[data-state="done"]').length;
  });
  const midway = await (await page.waitForFunction((before) => {
    if ((window as unknown as { notReloaded?: boolean }).notReloaded !== true) return false;
    const done = document.querySelectorAll('.step[data-state="done"]').length;
    if (done <= before) return false;
    const bar = document.querySelector<HTMLProgressElement>('#progress-bar')!;
    // The creation log as seen live, message only (the time is rendered by the server or the script).
    const log = Array.from(document.querySelectorAll('#events li')).map((li) => li.lastChild?.textContent?.trim() ?? '');
    return { done, value: bar.value, max: bar.max, log };
  }, doneAtFirst, { timeout: READY_TIMEOUT_MS })).jsonValue() as { done: number; value: number; max: number; log: string[] };
  assert.equal(midway.value, midway.done, `the progress bar follows the steps (${midway.value}/${midway.max})`);
  // For people to look at; the final reload may come in the middle of it.
  await page.screenshot({ path: `${SHOTS}/suivi-en-cours-1280.png`, fullPage: true })
    .catch((err: Error) => t.diagnostic(`no mid-way screenshot: ${err.message}`));
  const liveLog = midway.log;

  // At the end the script reloads the page, which the server renders as ready.
  await page.getByRole('heading', { level: 1, name: 'Votre ERP BTP est prêt' }).waitFor({ timeout: READY_TIMEOUT_MS });
  assert.equal(await page.locator('#state').getAttribute('data-state'), 'succeeded');
  const bar = await page.locator('#progress-bar').evaluate((b: HTMLProgressElement) => ({ value: b.value, max: b.max }));
  assert.equal(bar.value, bar.max, 'the progress bar is full');
  assert.equal(await page.locator('.step').count(), await page.locator('.step[data-state="done"]').count(), 'every step is done');
  await page.screenshot({ path: `${SHOTS}/suivi-pret-1280.png`, fullPage: true });
  assert.equal(await horizontalOverflow(page), 0);
  const violations = await axeViolations(page);
  assert.deepEqual(violations.map((v) => v.id), [], describeViolations(violations));

  const instanceUrl = (await page.locator('#cred-url').innerText()).trim();
  const username = (await page.locator('#cred-user').innerText()).trim();
  const password = (await page.locator('#cred-password').innerText()).trim();
  assert.equal(new URL(instanceUrl).port, String(tenantPort), `the instance listens on its own port (${instanceUrl})`);
  assert.ok(username.length > 0, 'a login is shown');
  assert.ok(password.length >= 12, 'a temporary password is shown');

  // Shown once: after a reload the password is gone, the rest stays.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Votre ERP BTP est prêt' }).waitFor();
  assert.equal(await page.locator('#cred-password').count(), 0, 'the password is no longer shown');
  assert.equal(await page.getByText(password).count(), 0, 'nor anywhere else on the page');
  await page.getByText('Identifiants déjà affichés').waitFor();
  assert.equal((await page.locator('#cred-url').innerText()).trim(), instanceUrl);

  // Into the instance.
  await page.getByRole('link', { name: 'Accéder à mon ERP BTP' }).click();
  await page.waitForURL((url) => url.pathname === '/connexion');
  const instance = new URL(page.url()).origin;
  assert.equal(instance, new URL(instanceUrl).origin, 'the link leads to the instance shown');
  await page.getByText(`Espace ERP BTP de ${COMPANY}`).waitFor();

  await page.getByLabel('Identifiant').fill(username);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${instance}/mot-de-passe`);
  await page.getByText('choisissez votre propre mot de passe').waitFor();

  // Going elsewhere first is not allowed.
  await page.goto(`${instance}/chantiers`);
  await page.waitForURL(`${instance}/mot-de-passe`);

  await page.getByLabel('Mot de passe actuel').fill(password);
  await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('Confirmation du nouveau mot de passe').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await page.waitForURL(`${instance}/`);
  await page.getByText('Votre mot de passe a été modifié.').waitFor();
  await page.getByText(COMPANY).first().waitFor();

  await page.getByRole('link', { name: 'Créer un chantier' }).click();
  await page.waitForURL(`${instance}/chantiers/nouveau`);
  await page.getByLabel('Nom du chantier').fill('Rénovation école Jules-Ferry');
  await page.getByLabel('Client', { exact: true }).fill('Mairie de Villeurbanne');
  await page.getByLabel(/^Adresse/).fill('3 place Lazare-Goujon, 69100 Villeurbanne');
  await page.getByLabel(/^Date de début/).fill('2026-09-01');
  await page.getByLabel('Statut').selectOption('a_venir');
  await page.getByRole('button', { name: 'Créer le chantier' }).click();
  await page.waitForURL(`${instance}/chantiers`);
  await page.getByText('Le chantier a été créé.').waitFor();
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Rénovation école Jules-Ferry' }) });
  await row.getByText('Mairie de Villeurbanne').waitFor();
  await row.getByText('1 septembre 2026').or(row.getByText('1er septembre 2026')).waitFor();
  await row.getByText('À venir').waitFor();
  await page.getByText('1 chantier', { exact: true }).waitFor();

  // The new password holds: sign out and back in.
  await page.context().clearCookies();
  await page.goto(`${instance}/`);
  await page.waitForURL(`${instance}/connexion`);
  await page.getByLabel('Identifiant').fill(username);
  await page.getByLabel('Mot de passe').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${instance}/`);

  assert.deepEqual(failed, [], 'no request failed');
  assert.equal(new URL(trackingUrl).origin, platform.url);

  await t.test('while live, the creation log lists each event once', () => {
    const repeated = liveLog.filter((line, i) => liveLog.indexOf(line) !== i);
    assert.deepEqual(repeated, [], `log seen live:\n${liveLog.join('\n')}`);
  });
});
