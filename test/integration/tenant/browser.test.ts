// The demo ERP in a real browser (Debian's Chromium through playwright-core): sign in with the initial
// credentials, be made to choose a password, create a chantier. Screenshots at 360 and 1280 px go to
// $TENANT_SCREENSHOTS (default /tmp/tenant-screenshots) for a human to look at.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { INITIAL_PASSWORD, INITIAL_USERNAME, startFakePlatform, startTenant, subscriptionBody, TENANT_TOKEN, testDatabase } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = process.env.TENANT_SCREENSHOTS ?? '/tmp/tenant-screenshots';
const NEW_PASSWORD = 'Ma-Phrase-De-Passe-Chantier';

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

async function shoot(page: Page, name: string): Promise<void> {
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
}

/** No horizontal scrolling: the page fits the viewport. */
async function assertFits(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${page.url()} overflows by ${overflow}px`);
}

describe('tenant in a browser', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed` }, () => {
  for (const width of [360, 1280]) {
    test(`first login, forced password change and a new chantier at ${width} px`, async (t) => {
      await mkdir(SHOTS, { recursive: true });
      const platform = await startFakePlatform(t, (request) =>
        request.url?.endsWith('/subscription') ? { status: 200, body: subscriptionBody({ daysLeft: 23 }) } : { status: 200, body: { allowed: true } },
      );
      const tenant = await startTenant(t, await testDatabase(t), { PLATFORM_URL: platform.url, TENANT_TOKEN });
      await tenant.app.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(tenant.app.server.address() as AddressInfo).port}`;
      const browser = await launch();
      t.after(() => browser.close());
      const page = await browser.newPage({ viewport: { width, height: width < 600 ? 740 : 860 }, locale: 'fr-FR' });
      const failed: string[] = [];
      page.on('response', (response) => {
        if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
      });

      await page.goto(`${base}/`);
      assert.equal(new URL(page.url()).pathname, '/connexion');
      await assertFits(page);
      await shoot(page, '1-connexion');

      await page.getByLabel('Identifiant').fill(INITIAL_USERNAME);
      await page.getByLabel('Mot de passe').fill('pas-le-bon');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByText('Identifiant ou mot de passe incorrect.').waitFor();
      failed.length = 0; // the 401 above is expected
      await shoot(page, '2-connexion-erreur');

      await page.getByLabel('Mot de passe').fill(INITIAL_PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.waitForURL(`${base}/mot-de-passe`);
      await page.getByText('choisissez votre propre mot de passe').waitFor();
      await assertFits(page);
      await shoot(page, '3-mot-de-passe-impose');

      await page.getByLabel('Mot de passe actuel').fill(INITIAL_PASSWORD);
      await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel('Confirmation du nouveau mot de passe').fill(NEW_PASSWORD);
      await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
      await page.waitForURL(`${base}/`);
      await page.getByText('Il vous reste 23 jours d’essai').waitFor();
      await page.getByText('Maçonnerie Dupont & Fils').first().waitFor();
      await assertFits(page);
      await shoot(page, '4-tableau-de-bord');

      await page.getByRole('link', { name: 'Créer un chantier' }).click();
      await page.waitForURL(`${base}/chantiers/nouveau`);
      await page.getByRole('button', { name: 'Créer le chantier' }).click();
      await page.getByText('Indiquez le nom du chantier.').first().waitFor();
      failed.length = 0; // the 422 above is expected
      await assertFits(page);
      await shoot(page, '5-chantier-erreurs');

      await page.getByLabel('Nom du chantier').fill('Résidence Les Tilleuls');
      await page.getByLabel('Client', { exact: true }).fill('SCI Les Tilleuls');
      await page.getByLabel(/^Adresse/).fill('12 rue des Lilas, 69003 Lyon');
      await page.getByLabel(/^Date de début/).fill('2026-03-15');
      await page.getByLabel('Statut').selectOption('en_cours');
      await page.getByRole('button', { name: 'Créer le chantier' }).click();
      await page.waitForURL(`${base}/chantiers`);
      await page.getByText('Le chantier a été créé.').waitFor();
      await page.getByRole('rowheader', { name: 'Résidence Les Tilleuls' }).waitFor();
      await page.getByText('15 mars 2026').waitFor();
      await assertFits(page);
      await shoot(page, '6-chantiers');

      await page.getByRole('link', { name: 'Tableau de bord' }).click();
      await page.getByText('En cours', { exact: true }).waitFor();
      await assertFits(page);
      await shoot(page, '6b-tableau-de-bord-chantiers');
      await page.getByRole('link', { name: 'Utilisateurs' }).click();
      await page.getByRole('rowheader', { name: /jean\.dupont/ }).waitFor();
      await assertFits(page);
      await shoot(page, '6c-utilisateurs');

      await page.locator('.app-usermenu__toggle').click();
      await shoot(page, '7-menu-utilisateur');
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await page.waitForURL(`${base}/connexion`);
      await page.getByText('Vous êtes déconnecté').waitFor();

      assert.deepEqual(failed, [], 'no failed request (stylesheets, icons)');
      const styled = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.notEqual(styled, 'rgba(0, 0, 0, 0)', 'the stylesheets are applied');
    });
  }

  test('the renewal banner when the trial has expired (screenshots)', async (t) => {
    const platform = await startFakePlatform(t, () => ({ status: 200, body: subscriptionBody({ status: 'expired', daysLeft: null }) }));
    const tenant = await startTenant(t, await testDatabase(t), { PLATFORM_URL: platform.url, TENANT_TOKEN });
    await tenant.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(tenant.app.server.address() as AddressInfo).port}`;
    const browser = await launch();
    t.after(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await page.goto(`${base}/connexion`);
    await page.getByLabel('Identifiant').fill(INITIAL_USERNAME);
    await page.getByLabel('Mot de passe').fill(INITIAL_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByLabel('Mot de passe actuel').fill(INITIAL_PASSWORD);
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirmation du nouveau mot de passe').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await page.waitForURL(`${base}/`);
    const renew = page.getByRole('link', { name: 'Renouveler mon abonnement' });
    assert.equal(await renew.getAttribute('href'), 'https://erpbtp.example/renouveler?client=42');
    await assertFits(page);
    await shoot(page, '8-abonnement-expire');
    await page.setViewportSize({ width: 1280, height: 860 });
    await shoot(page, '8-abonnement-expire');
  });
});
