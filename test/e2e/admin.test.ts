// The dashboard in a real browser, as support uses it: first owner setup from the one-time link,
// sign-in, search, a client's page, extend a trial, suspend and resume, reveal the credentials,
// find the reveal in the audit log. Every page passes axe (serious and critical) and fits a tablet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/audit/actor.ts';
import { openDatabase } from '../../src/db/database.ts';
import { createAccountsService } from '../../src/staff/accounts.service.ts';
import { axeViolations, collectFailedRequests, describeViolations, horizontalOverflow, launchBrowser, newPage, skipWithoutChromium } from '../helpers/browser.ts';
import { openForm, startTestPlatform } from '../helpers/platform.ts';

const PASSWORD = 'une phrase de passe de chantier';

test('support runs a client from the dashboard', { skip: skipWithoutChromium, timeout: 360_000 }, async (t) => {
  const browser = await launchBrowser(t);
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0' }, { web: true, worker: true });
  const { app, sql, url } = platform;
  const signupForm = await openForm(app, '/essai');
  await app.inject({ method: 'POST', url: '/essai', headers: { cookie: signupForm.cookie }, payload: { _csrf: signupForm.token, nom: 'Lefèvre', prenom: 'Anne', email: 'anne@lefevre-maconnerie.fr', entreprise: 'Lefèvre Maçonnerie', telephone: '0612345678', effectif: '11-50', plan: 'starter', cgv: 'on' } });

  // The first owner, as `erpbtp admin create` (or the first `npm start`) makes it: a one-time link.
  const database = openDatabase(platform.database.url, { max: 1 });
  const created = await createAccountsService({ db: database.db, now: () => new Date(), publicUrl: url }).createAccount(SYSTEM_ACTOR, { email: 'direction@erp-btp.fr', name: 'Claire Direction', role: 'owner' });
  await database.close();
  assert.equal(created.status, 'created');
  const setupUrl = created.status === 'created' ? created.setupUrl : '';

  const page = await newPage(browser, { width: 1024, timeoutMs: 30_000 });
  const failed = collectFailedRequests(page);
  const nav = page.getByRole('navigation', { name: 'Sections de l’administration' });
  const checkPage = async (what: string) => {
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], `${what}: ${describeViolations(violations)}`);
    assert.equal(await horizontalOverflow(page), 0, `${what} fits 1024 px`);
  };

  await t.test('first owner setup from the one-time link', async () => {
    await page.goto(setupUrl);
    await checkPage('activation');
    await page.getByLabel('Nouveau mot de passe').fill(PASSWORD);
    await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Enregistrer et me connecter' }).click();
    await page.getByRole('heading', { name: 'Vue d’ensemble' }).waitFor();
    assert.match(await page.textContent('body') ?? '', /bienvenue dans l’administration/);
    await checkPage('overview');
  });

  await t.test('sign out, then sign in again', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByText('Vous êtes déconnecté.').waitFor();
    await page.getByLabel('Adresse e-mail').fill('direction@erp-btp.fr');
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { name: 'Vue d’ensemble' }).waitFor();
  });

  await t.test('search for the client and open its page', async () => {
    await nav.getByRole('link', { name: 'Clients' }).click();
    await page.getByLabel('Rechercher', { exact: true }).fill('lefèvre');
    await page.getByRole('button', { name: 'Appliquer' }).click();
    await page.getByRole('link', { name: 'Lefèvre Maçonnerie' }).click();
    await page.getByRole('heading', { name: 'Lefèvre Maçonnerie', level: 1 }).waitFor();
    await checkPage('client page');
  });

  await t.test('extend the trial', async () => {
    const { rows: [before] } = await sql.query('select trial_ends_at from subscriptions');
    await page.getByLabel('Prolonger l’essai de').selectOption('14');
    await page.getByRole('button', { name: 'Prolonger l’essai' }).click();
    await page.getByText('L’essai a été prolongé.').waitFor();
    const { rows: [after] } = await sql.query('select trial_ends_at from subscriptions');
    assert.equal(after.trial_ends_at.getTime() - before.trial_ends_at.getTime(), 14 * 86_400_000);
  });

  await t.test('suspend and resume the instance; the page follows the deployment by itself', async () => {
    // While the creation runs, the page offers no instance action and reloads itself when it ends.
    await page.getByRole('button', { name: 'Suspendre' }).waitFor({ timeout: 90_000 });
    await page.getByRole('button', { name: 'Suspendre' }).click();
    await page.getByRole('button', { name: 'Reprendre' }).waitFor({ timeout: 60_000 });
    await page.locator('.badge', { hasText: 'Arrêtée' }).first().waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Reprendre' }).click();
    await page.locator('.badge', { hasText: 'En service' }).first().waitFor({ timeout: 60_000 });
    const { rows: [stack] } = await sql.query('select url from stacks');
    assert.equal((await fetch(`${stack.url}/health`)).status, 200);
  });

  await t.test('reveal the credentials: password asked again, hidden after 60 s', async () => {
    // A fake clock for the page's timers: the 60 s pass in an instant.
    await page.clock.install();
    await page.getByLabel('Votre mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Afficher les identifiants' }).click();
    await page.getByText('Mot de passe initial').waitFor();
    const shown = await page.locator('.reveal__secret dd.mono').last().textContent();
    assert.ok(shown && shown.length >= 12);
    await page.clock.fastForward(61_000);
    await page.getByText('Identifiants masqués.').waitFor();
    assert.equal(await page.locator('.reveal__secret').count(), 0);
    assert.ok(!(await page.content()).includes(shown));
  });

  await t.test('the reveal is in the audit log', async () => {
    await nav.getByRole('link', { name: 'Journal d’audit' }).click();
    await page.getByRole('cell', { name: 'Identifiants affichés' }).first().waitFor();
    await checkPage('audit log');
  });

  assert.deepEqual(failed, []);
});
