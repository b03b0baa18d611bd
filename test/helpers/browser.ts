// A real browser for end-to-end tests: Debian's Chromium driven by playwright-core. One browser per
// test file (closed when the test that launched it ends), one fresh context per page, and axe-core
// for accessibility checks.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { TestContext } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** For `test(..., { skip })`: a reason to skip when Chromium is missing, else false. */
export const skipWithoutChromium: string | false = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed`;

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * Launches headless Chromium; with a test context, closes it when that test ends.
 * Launch it before starting the platform: `after` hooks run in the order they were added, and the
 * platform's server does not stop while a page still holds an event stream (tracking page) open.
 */
export async function launchBrowser(t?: Pick<TestContext, 'after'>): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  t?.after(() => browser.close());
  return browser;
}

export interface PageOptions {
  /** Viewport width in CSS pixels (default 1280). */
  width?: number;
  /** Viewport height (default: a phone's for narrow widths, a laptop's otherwise). */
  height?: number;
  /** Fails fast instead of Playwright's 30 s default. */
  timeoutMs?: number;
}

/** A new page in a context of its own (own cookies), French locale, at the given viewport. */
export async function newPage(browser: Browser, options: PageOptions = {}): Promise<Page> {
  const width = options.width ?? 1280;
  const height = options.height ?? (width < 600 ? 740 : 860);
  // bypassCSP: the site's CSP (script-src 'self') would block axe-core's injected script.
  const context = await browser.newContext({ viewport: { width, height }, locale: 'fr-FR', timezoneId: 'Europe/Paris', bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(options.timeoutMs ?? 15_000);
  page.on('close', () => void context.close().catch(() => undefined));
  return page;
}

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  /** CSS selectors of the offending nodes. */
  targets: string[];
}

interface AxeResults {
  violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[];
}

/** Runs axe-core on the page and returns its serious and critical violations. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.addScriptTag({ path: AXE_PATH });
  // Only violations are read: asking for nothing else makes axe much faster.
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run(context: Document, options: object): Promise<unknown> } }).axe.run(document, { resultTypes: ['violations'] }),
  ) as AxeResults;
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact!, help: v.help, targets: v.nodes.map((n) => n.target.map(String).join(' ')) }));
}

/** A readable line per violation, for assertion messages. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.targets.slice(0, 5).join(', ')})`).join('\n');
}

/** How many CSS pixels the page is wider than the viewport (0 when it fits: no horizontal scrolling). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth));
}

/** Collects responses with status >= 400 (stylesheets, scripts, icons that fail to load). */
export function collectFailedRequests(page: Page): string[] {
  const failed: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  });
  page.on('requestfailed', (request) => {
    // Closing a page aborts its event stream, and leaving a page aborts what it was still loading (its icon, say):
    // neither is a failure of the server.
    const error = request.failure()?.errorText ?? '';
    if (!new URL(request.url()).pathname.endsWith('/flux') && error !== 'net::ERR_ABORTED') failed.push(`failed ${request.url()} ${error}`);
  });
  return failed;
}
