// Every job the platform runs, with its payload. Payloads carry ids only, never secrets.
export interface JobCatalogue {
  /** Runs (or resumes) a deployment's saga. */
  'provisioning.run': { deploymentId: number };
  /** Sends an e-mail of the outbox (and any other that is due). */
  'mail.deliver': { emailId: number };
  /** Delivers one alert notice to one webhook (its position in ALERT_WEBHOOK_URLS); a failure queues the next attempt. */
  'alerts.webhook': { noticeId: number; webhook: number; attempt: number };
  /** The alerts' pass: reminders of open alerts and due recovery notices (cron, every minute). */
  'alerts.remind': Record<string, never>;
  /** Runs the trial lifecycle (reminders, expiry, deletion notice, deletion): daily, at worker start, at a due instant. */
  'lifecycle.run': { trigger: 'schedule' | 'start' | 'due'; dueAt?: string };
  /** Runs one health cycle of every stack: one job per HEALTH_CHECK_INTERVAL_SECONDS slot, across all workers. */
  'monitoring.cycle': Record<string, never>;
}

export type JobName = keyof JobCatalogue;

export const JOB_NAMES: readonly JobName[] = ['provisioning.run', 'mail.deliver', 'lifecycle.run', 'monitoring.cycle', 'alerts.webhook', 'alerts.remind'];
