// Every public page in a real browser, on a phone and on a laptop: no serious or critical
// accessibility violation (axe-core), no horizontal scrolling, a <h1>, and French as the language.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  axeViolations, collectFailedRequests, describeViolations, horizontalOverflow, launchBrowser, newPage, skipWithoutChromium,
} from '../helpers/browser.ts';
import { startTestPlatform } from '../helpers/platform.ts';

interface PublicPage {
  name: string;
  /** Opens the page and leaves it in the state to check. */
  open(page: Page, base: string): Promise<void>;
  /** Expected HTTP status of the document. */
  status?: number;
}

const visit = (path: string, status = 200): PublicPage['open'] => async (page, base) => {
  const response = await page.goto(base + path);
  assert.equal(response?.status(), status, `${path} answers ${status}`);
};

const pages: PublicPage[] = [
  { name: 'accueil', open: visit('/') },
  { name: 'fonctionnalites', open: visit('/fonctionnalites') },
  { name: 'tarifs', open: visit('/tarifs') },
  { name: 'contact', open: visit('/contact') },
  { name: 'essai', open: visit('/essai') },
  { name: 'cgv', open: visit('/cgv') },
  { name: 'mentions-legales', open: visit('/mentions-legales') },
  { name: 'confidentialite', open: visit('/confidentialite') },
  { name: 'page-introuvable', open: visit('/cette-page-n-existe-pas', 404) },
  {
    name: 'essai-avec-erreurs',
    // Sent empty, past the browser's own checks, so that the server shows every message.
    open: async (page, base) => {
      await visit('/essai')(page, base);
      await page.locator('form[action="/essai"]').evaluate((form: HTMLFormElement) => { form.noValidate = true; });
      await Promise.all([
        page.waitForResponse((r) => r.url() === `${base}/essai` && r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Créer mon espace d’essai' }).click(),
      ]);
      await page.locator('.error-summary').waitFor();
      assert.ok(await page.locator('.field__error').count() >= 6, 'inline errors are shown');
    },
  },
];

// Pages are independent: a few at a time keeps the file fast (axe takes a second or two per page).
// Still, 20 pages take 1.5 min on a loaded 2-core machine: a timeout of its own, not the suite's 2 min.
test('public pages in a browser', { skip: skipWithoutChromium, concurrency: 2, timeout: 360_000 }, async (t) => {
  // The browser first: `after` hooks run in order, so it closes (ending its event streams) before the platform stops.
  const browser = await launchBrowser(t);
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0' });

  const checks = [];
  for (const width of [360, 1280]) {
    for (const p of pages) {
      checks.push(t.test(`${p.name} at ${width} px`, async () => {
        const page = await newPage(browser, { width });
        const failed = collectFailedRequests(page);
        try {
          await p.open(page, platform.url);
          await page.waitForLoadState('load');

          assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
          assert.equal(await page.locator('h1').count(), 1, 'exactly one <h1>');
          assert.notEqual((await page.locator('h1').innerText()).trim(), '', 'the <h1> has text');

          const overflow = await horizontalOverflow(page);
          assert.equal(overflow, 0, `no horizontal scrolling (page is ${overflow} px too wide)`);

          const violations = await axeViolations(page);
          assert.deepEqual(violations.map((v) => v.id), [], describeViolations(violations));

          // The document itself may be a 404 or 422: only assets must all load.
          const assets = failed.filter((f) => !f.endsWith(`${platform.url}${new URL(page.url()).pathname}`));
          assert.deepEqual(assets, [], 'every stylesheet, script and image loads');
        } finally {
          await page.close();
        }
      }));
    }
  }
  await Promise.all(checks);
});
