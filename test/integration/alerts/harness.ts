// The alerts of a worker on a database of their own: the real service, the outbox delivering to a real SMTP
// test server, webhook jobs POSTing to local HTTP servers, and a clock the test moves. The periodic pass is
// not scheduled (the test queue runs no cron): each test runs it (`alerts.runDue()`) at the time it chooses.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { type AlertSettings, DEFAULT_WEBHOOK_SETTINGS } from '../../../src/alerts/alert-notifier.ts';
import { startAlertWorker } from '../../../src/alerts/alerts.jobs.ts';
import { createAlerts } from '../../../src/alerts/alerts.service.ts';
import { createWebhookDelivery } from '../../../src/alerts/channels/webhook-delivery.ts';
import { createMailAlerts } from '../../../src/alerts/mail-alerts.ts';
import { loadConfig } from '../../../src/config.ts';
import { openDatabase } from '../../../src/db/database.ts';
import { startQueue } from '../../../src/jobs/queue.ts';
import { startMailDelivery } from '../../../src/mail/start-mail.ts';
import { createEmailQueuer } from '../../../src/mail/outbox.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { captureLogger } from '../../helpers/logs.ts';
import { startTestSmtpServer } from '../../helpers/smtp.ts';

export interface WebhookCall {
  body: { text: string; blocks?: { type: string; text?: { text: string }; elements?: { text: string }[] }[] };
  headers: IncomingMessage['headers'];
  status: number;
}

export interface TestWebhook {
  url: string;
  calls: WebhookCall[];
  /** Statuses answered to the next calls, in order; 200 once they are used up (or `always`). */
  answer(statuses: number[], always?: number): void;
}

async function startWebhook(t: TestContext): Promise<TestWebhook> {
  const calls: WebhookCall[] = [];
  let next: number[] = [];
  let fallback = 200;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const status = next.shift() ?? fallback;
      calls.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), headers: request.headers, status });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'erreur');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/secret-token`,
    calls,
    answer(statuses, always = 200) {
      next = [...statuses];
      fallback = always;
    },
  };
}

export async function until<T>(what: string, read: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface HarnessOptions {
  webhooks?: number;
  settings?: Partial<AlertSettings>;
}

export async function startAlertsHarness(t: TestContext, options: HarnessOptions = {}) {
  const database = await createTestDatabase();
  const logs = captureLogger();
  const { db, pool, close } = openDatabase(database.url, { max: 8 });
  const queue = await startQueue(database.url, logs.log);
  const smtp = await startTestSmtpServer(t);
  const webhooks = await Promise.all(Array.from({ length: options.webhooks ?? 1 }, () => startWebhook(t)));
  let clock = Date.now();
  const now = () => new Date(clock);
  const settings: AlertSettings = {
    publicUrl: 'https://cloud.erp-btp.fr', adminEmails: ['exploitation@erp-btp.fr'], webhookUrls: webhooks.map((w) => w.url),
    reminderMs: 60 * 60_000, recoveryDelayMs: 5 * 60_000,
    ...DEFAULT_WEBHOOK_SETTINGS, webhookRetryBaseMs: 100, webhookRetryMaxMs: 400,
    ...options.settings,
  };
  const queueEmail = createEmailQueuer({ queue, messageDomain: 'cloud.erp-btp.fr' });
  const alerts = createAlerts({ pool, db, queue, queueEmail, settings, log: logs.log, now });
  const mailAlerts = createMailAlerts({ db, alerts, log: logs.log, now });
  const mail = await startMailDelivery({
    config: loadConfig({ SMTP_URL: smtp.url, MAIL_RETRY_MAX_SECONDS: '1' }), db, queue, log: logs.log,
    resolveSecret: async () => '', onSent: mailAlerts.sent, onFailed: mailAlerts.failed,
  });
  const delivery = createWebhookDelivery({ pool, db, queue, settings, log: logs.log, now });
  // The queue runs no cron here: the pass never runs by itself.
  await startAlertWorker(queue, alerts, delivery, logs.log);
  t.after(async () => {
    await mail.stop();
    await queue.stop({ graceful: false });
    await close();
    await database.drop();
  });

  const query = async <R = Record<string, unknown>>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as R[];
  return {
    alerts, smtp, webhooks, webhook: webhooks[0]!, logs, pool, db, queue, settings, query, databaseUrl: database.url,
    /** Moves the alerts' clock. */
    advance(minutes: number) {
      clock += minutes * 60_000;
    },
    now,
    /** The alert's timeline as `type[:channel][ detail]` lines. */
    async timeline(alertId: number): Promise<string[]> {
      const rows = await query<{ type: string; channel: string | null; detail: string | null }>('select type, channel, detail from alert_events where alert_id = $1 order by id', [alertId]);
      return rows.map((r) => `${r.type}${r.channel ? `:${r.channel}` : ''}${r.detail ? ` ${r.detail}` : ''}`);
    },
    /** Waits until every e-mail and webhook job queued so far is done, then a little more for stragglers. */
    async settle(): Promise<void> {
      await until('e-mails sent or given up', async () => (await query<{ n: number }>(`select count(*)::int as n from email_outbox where status in ('queued', 'sending', 'failed')`))[0]!.n === 0);
      await until('webhook jobs done', async () => (await query<{ n: number }>(`select count(*)::int as n from pgboss.job where name = 'alerts.webhook' and state in ('created', 'retry', 'active')`))[0]!.n === 0);
      await sleep(150);
    },
  };
}

export type AlertsHarness = Awaited<ReturnType<typeof startAlertsHarness>>;
