// The worker side of the webhook channel: one job per (notice, webhook). Each attempt's outcome goes to the
// alert's timeline; a failure queues the next attempt after a backoff (in the transaction that records it), until
// the last one. The message is built when it is sent, from the alert as it is then.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import { t } from '../../i18n/index.ts';
import type { JobCatalogue } from '../../jobs/catalogue.ts';
import type { Queue } from '../../jobs/queue.ts';
import { type AlertSettings, webhookRetryDelay } from '../alert-notifier.ts';
import { addAlertEvent, getAlertById, getAlertEvent, type NoticeKind } from '../alerts.repository.ts';
import { postWebhook, slackMessage, webhookChannel } from './webhook.channel.ts';

export interface WebhookDeliveryDeps {
  pool: pg.Pool;
  db: Db;
  queue: Pick<Queue, 'send'>;
  settings: AlertSettings;
  log: Logger;
  now: () => Date;
}

export function createWebhookDelivery(deps: WebhookDeliveryDeps) {
  const { settings } = deps;

  async function handleAlertWebhook(job: JobCatalogue['alerts.webhook']): Promise<void> {
    const notice = await getAlertEvent(deps.db, job.noticeId);
    const alert = notice?.type === 'notice' ? await getAlertById(deps.db, notice.alertId) : undefined;
    if (!notice || !alert) return;
    const channel = webhookChannel(job.webhook);
    const url = settings.webhookUrls[job.webhook - 1];
    if (!url) {
      await addAlertEvent(deps.db, { alertId: alert.id, type: 'delivery_failed', channel, detail: t('alert.delivery.unconfigured'), at: deps.now() });
      return;
    }
    const kind = notice.detail as NoticeKind;
    const outcome = await postWebhook(url, slackMessage(alert, kind, settings.publicUrl), settings.webhookTimeoutMs);
    if (outcome.ok) {
      await addAlertEvent(deps.db, { alertId: alert.id, type: 'notified', channel, detail: kind, at: deps.now() });
      return;
    }
    const last = job.attempt >= settings.webhookAttempts;
    const detail = t(last ? 'alert.delivery.gaveUp' : 'alert.delivery.attempt', { attempt: job.attempt, max: settings.webhookAttempts, reason: outcome.reason });
    await withTransaction(deps.pool, async ({ tx, sql }) => {
      await addAlertEvent(tx, { alertId: alert.id, type: 'delivery_failed', channel, detail, at: deps.now() });
      if (last) return;
      // Real time, not the alerts' clock: the queue schedules by the database's.
      const startAfter = new Date(Date.now() + webhookRetryDelay(job.attempt, settings));
      await deps.queue.send('alerts.webhook', { ...job, attempt: job.attempt + 1 }, { db: sql, startAfter });
    });
    const fields = { alertId: alert.id, noticeId: notice.id, channel, attempt: job.attempt, reason: outcome.reason };
    if (last) deps.log.error(fields, 'alert webhook not delivered: given up');
    else deps.log.warn(fields, 'alert webhook not delivered, will retry');
  }

  return { handleAlertWebhook };
}

export type WebhookDelivery = ReturnType<typeof createWebhookDelivery>;
