// Signing up for a trial as a person would, in a real browser: from the pricing page to the
// tracking page, through a mistake that the form explains without losing what was typed.
// Web role only: the instance is not created here (see provisioning.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  axeViolations, collectFailedRequests, describeViolations, horizontalOverflow, launchBrowser, newPage, skipWithoutChromium,
} from '../helpers/browser.ts';
import { startTestPlatform } from '../helpers/platform.ts';

const PHONE_ERROR = 'Saisissez un numéro de téléphone français valide';

test('trial signup in a browser, from the pricing page to the tracking page', { skip: skipWithoutChromium }, async (t) => {
  // The browser first: `after` hooks run in order, so it closes (ending its event streams) before the platform stops.
  const browser = await launchBrowser(t);
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0' });
  const page = await newPage(browser, { width: 360 });
  const failed = collectFailedRequests(page);
  const base = platform.url;

  await page.goto(`${base}/tarifs`);
  await page.getByRole('link', { name: 'Essayer Starter gratuitement' }).click();
  await page.waitForURL(`${base}/essai?plan=starter`);
  const starter = page.getByRole('radio', { name: /Starter/ });
  assert.equal(await starter.isChecked(), true, 'the Starter plan is preselected');

  await page.getByLabel('Nom', { exact: true }).fill('Martin');
  await page.getByLabel('Prénom').fill('Léa');
  await page.getByLabel('E-mail professionnel').fill('lea.martin@charpente-martin.fr');
  await page.getByLabel('Entreprise', { exact: true }).fill('Charpente Martin & Cie');
  await page.getByLabel('Téléphone').fill('12 34');
  await page.getByLabel('Effectif de l’entreprise').selectOption({ label: '6 à 10 personnes' });
  const cgv = page.getByLabel(/J’ai lu et j’accepte les conditions générales de vente/);

  // The CGV are not ticked yet: the browser's own check stops the form before it is sent.
  const submit = page.getByRole('button', { name: 'Créer mon espace d’essai' });
  await submit.click();
  assert.equal(new URL(page.url()).pathname, '/essai');
  assert.equal(await cgv.evaluate((box: HTMLInputElement) => box.validity.valueMissing), true, 'the browser asks for the CGV');
  assert.equal(await page.locator('.error-summary').count(), 0, 'nothing was sent yet');

  // Ticked: the form goes to the server, which refuses the phone number.
  await cgv.check();
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${base}/essai` && r.request().method() === 'POST'),
    submit.click(),
  ]);
  assert.equal(response.status(), 422);
  await page.waitForLoadState('load');

  const summary = page.getByRole('alert').filter({ hasText: 'Le formulaire contient des erreurs' });
  await summary.waitFor();
  const summaryLinks = summary.getByRole('link');
  assert.equal(await summaryLinks.count(), 1, 'one mistake, one item in the summary');
  assert.match(await summaryLinks.innerText(), new RegExp(`^Téléphone\\s*: ${PHONE_ERROR}`));
  assert.equal(await summaryLinks.getAttribute('href'), '#field-telephone');
  assert.match(await page.title(), /^Erreur/, 'the title says the form has errors');

  const phone = page.getByLabel('Téléphone');
  assert.equal(await phone.getAttribute('aria-invalid'), 'true');
  const phoneError = page.locator('#field-telephone-error');
  assert.match(await phoneError.innerText(), new RegExp(PHONE_ERROR));
  assert.match(await phone.getAttribute('aria-describedby') ?? '', /field-telephone-error/, 'the error is tied to its field');

  // Everything typed is still there.
  assert.equal(await page.getByLabel('Nom', { exact: true }).inputValue(), 'Martin');
  assert.equal(await page.getByLabel('Prénom').inputValue(), 'Léa');
  assert.equal(await page.getByLabel('E-mail professionnel').inputValue(), 'lea.martin@charpente-martin.fr');
  assert.equal(await page.getByLabel('Entreprise', { exact: true }).inputValue(), 'Charpente Martin & Cie');
  assert.equal(await phone.inputValue(), '12 34');
  assert.equal(await page.getByLabel('Effectif de l’entreprise').inputValue(), '6-10');
  assert.equal(await starter.isChecked(), true, 'the Starter plan is still chosen');
  assert.equal(await cgv.isChecked(), true, 'the CGV stay ticked');

  assert.equal(await horizontalOverflow(page), 0, 'the form with errors fits a phone');
  const violations = await axeViolations(page);
  assert.deepEqual(violations.map((v) => v.id), [], describeViolations(violations));

  // The summary's link takes the person to the field.
  await summaryLinks.click();
  await page.waitForFunction(() => document.activeElement?.id === 'field-telephone');

  await phone.fill('06 12 34 56 78');
  await cgv.check();
  await submit.click();
  await page.waitForURL(/\/deploiement\/[A-Za-z0-9_-]{43}$/);
  await page.getByText('Instance ERP BTP de Charpente Martin & Cie').waitFor();
  await page.getByRole('heading', { level: 1, name: 'Création de votre instance' }).waitFor();
  // No worker in this file: the request waits in the queue.
  assert.equal(await page.locator('#state').innerText(), 'En file d’attente');
  assert.equal(await horizontalOverflow(page), 0, 'the tracking page fits a phone');

  const { rows } = await platform.sql.query('select entreprise, telephone from clients');
  assert.deepEqual(rows, [{ entreprise: 'Charpente Martin & Cie', telephone: '+33612345678' }]);
  assert.deepEqual(failed.filter((f) => !f.startsWith('422 ')), [], 'no request failed but the refused form');
});
