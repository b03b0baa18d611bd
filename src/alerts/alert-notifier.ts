// Sending a notice about an alert: a `notice` event in its timeline (what staff were told, and when), an e-mail
// to ADMIN_EMAILS through the outbox and one job per webhook, all in the caller's transaction: a notice exists
// with all its deliveries or not at all. Each delivery then records its own outcome (`notified`, `delivery_failed`).
import type { Config } from '../config.ts';
import type { Transaction } from '../db/transaction.ts';
import type { Queue } from '../jobs/queue.ts';
import type { QueueEmail } from '../mail/outbox.ts';
import { addAlertEvent, type AlertRow, markNotified, type NoticeKind } from './alerts.repository.ts';
import { emailChannelOpen, queueAlertEmail } from './channels/email.channel.ts';

export interface AlertSettings {
  /** The dashboard's address, for the links in notices. */
  publicUrl: string;
  adminEmails: readonly string[];
  webhookUrls: readonly string[];
  /** ALERT_REMINDER_MINUTES: reminders of open alerts, and at most one notice per key in that time when it flaps. */
  reminderMs: number;
  /** ALERT_RECOVERY_DELAY_MINUTES: how long an alert stays resolved before its recovery notice goes. */
  recoveryDelayMs: number;
  /** Attempts of one webhook delivery, with an exponential backoff between them. */
  webhookAttempts: number;
  webhookRetryBaseMs: number;
  webhookRetryMaxMs: number;
  webhookTimeoutMs: number;
}

export const DEFAULT_WEBHOOK_SETTINGS: Pick<AlertSettings, 'webhookAttempts' | 'webhookRetryBaseMs' | 'webhookRetryMaxMs' | 'webhookTimeoutMs'> = {
  // 5 s, 10 s, 20 s… 5 min: about 10 minutes of a receiver's outage.
  webhookAttempts: 8,
  webhookRetryBaseMs: 5_000,
  webhookRetryMaxMs: 300_000,
  webhookTimeoutMs: 10_000,
};

export function alertSettingsOf(config: Config): AlertSettings {
  return {
    publicUrl: config.publicUrl,
    adminEmails: config.adminEmails,
    webhookUrls: config.alertWebhookUrls,
    reminderMs: config.alertReminderMinutes * 60_000,
    recoveryDelayMs: config.alertRecoveryDelayMinutes * 60_000,
    ...DEFAULT_WEBHOOK_SETTINGS,
  };
}

export interface NotifierDeps {
  queue: Pick<Queue, 'send'>;
  queueEmail: QueueEmail;
  settings: AlertSettings;
}

export async function sendNotice(transaction: Transaction, deps: NotifierDeps, alert: AlertRow, notice: NoticeKind, at: Date): Promise<void> {
  const { tx, sql } = transaction;
  const event = await addAlertEvent(tx, { alertId: alert.id, type: 'notice', detail: notice, at });
  if (deps.settings.adminEmails.length > 0 && emailChannelOpen(alert)) {
    await queueAlertEmail(transaction, { ...deps.settings, queueEmail: deps.queueEmail }, alert, notice, event.id);
  }
  for (let n = 1; n <= deps.settings.webhookUrls.length; n++) {
    await deps.queue.send('alerts.webhook', { noticeId: event.id, webhook: n, attempt: 1 }, { db: sql });
  }
  await markNotified(tx, alert.id, at);
}

/** Exponential backoff from the base, capped, with jitter in [delay/2, delay]. */
export function webhookRetryDelay(attempt: number, settings: Pick<AlertSettings, 'webhookRetryBaseMs' | 'webhookRetryMaxMs'>): number {
  const delay = Math.min(settings.webhookRetryMaxMs, settings.webhookRetryBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(delay / 2 + Math.random() * (delay / 2));
}
