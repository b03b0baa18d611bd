// What a lifecycle run is given and what it reports, shared by the service, the grace period and the job.
import type { ParisDate } from './paris-calendar.ts';
import type { ReminderStage } from './trial-calendar.ts';

export interface LifecycleSettings {
  /** The public site, for the pricing and contact links. */
  publicUrl: string;
  /** Paris days an expired trial's data is kept (TRIAL_GRACE_DAYS). */
  graceDays: number;
  /**
   * Minutes after Paris midnight (LIFECYCLE_RUN_AT) before which a run sends no calendar e-mail (reminders,
   * notices): a run at night (a restart, an expiry due at 2 a.m.) leaves them to the morning's run.
   */
  sendFromMinute: number;
}

export interface LifecycleReport {
  status: 'done';
  at: Date;
  /** The Paris date of the run. */
  today: ParisDate;
  reminders: { subscriptionId: number; stage: ReminderStage; daysLeft: number }[];
  /** Subscriptions expired by this run. */
  expired: number[];
  /** Deployments queued: suspensions of expired trials' instances, deletions after the grace period. */
  suspensions: number[];
  notices: { subscriptionId: number; deletionAt: Date }[];
  deletions: number[];
  /** What could not be done yet and will be tried again (a stack busy with another deployment, a notice not sent). */
  pending: { subscriptionId: number; reason: string }[];
  /** Clients erased because nothing happened for the retention period (data-retention.ts). */
  erased: number[];
  /** Rows deleted at the end of their retention period. */
  purged: { contactMessages: number; sinkMessages: number };
  /** Actions that failed (logged); the next run tries them again. */
  failures: number;
  /** The next instant something falls due (a trial's end, a deletion), for an extra run between daily ones. */
  nextDueAt: Date | null;
}

export type LifecycleOutcome = LifecycleReport | { status: 'busy' };

/** Runs one action of a run: a failure is logged and counted, and the run goes on with the others. */
export type Attempt = (what: string, context: Record<string, unknown>, action: () => Promise<void>) => Promise<void>;
