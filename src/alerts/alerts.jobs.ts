// The worker side of alerts: the webhook deliveries (one job per notice and webhook), and the pass that sends
// reminders and recovery notices, a pg-boss cron job every minute (one run per minute across all workers; the pass
// also locks what it notifies, so an overlap would still notify each alert once).
import type { Logger } from 'pino';
import type { Queue } from '../jobs/queue.ts';
import type { AlertsService } from './alerts.service.ts';
import type { WebhookDelivery } from './channels/webhook-delivery.ts';

export const ALERT_PASS_CRON = '* * * * *';

export async function startAlertWorker(
  queue: Pick<Queue, 'work' | 'boss'>, alerts: Pick<AlertsService, 'runDue'>, webhooks: WebhookDelivery, log: Logger,
): Promise<void> {
  await queue.work('alerts.webhook', { concurrency: 2 }, (data) => webhooks.handleAlertWebhook(data));
  await queue.work('alerts.remind', { concurrency: 1 }, async () => {
    const sent = await alerts.runDue();
    if (sent.notices + sent.recoveries > 0) log.debug(sent, 'alert pass done');
  });
  await queue.boss.schedule('alerts.remind', ALERT_PASS_CRON, {});
}
