// The trial lifecycle, run for an instant given by the caller (never the wall clock): reminders before the end,
// expiry and suspension at the end, a deletion notice and the deletion once the grace period is over. See README.md.
//
// Every action is idempotent, so a run repeated the same day, or after a crash half-way, does only what is left:
// - e-mails are outbox rows whose dedupe key names their cause, written in the same transaction as their audit
//   entry (the row exists, or neither does);
// - the expiry is a conditional update (`trialing` whose end has come → `expired`) in the transaction of its e-mail;
// - the instance follows the subscription: an expired trial's running stack is suspended, at the expiry's run or,
//   if that failed or the stack was busy, at the next one; the deletion is a `delete` deployment requested once the
//   notice's date has come, and a stack being deleted is out of every list.
import type pg from 'pg';
import type { Logger } from 'pino';
import { SYSTEM_ACTOR } from '../audit/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import { withTransaction } from '../db/transaction.ts';
import type { Queue } from '../jobs/queue.ts';
import type { QueueEmail } from '../mail/outbox.ts';
import { createDataRetention } from './data-retention.ts';
import { createGracePeriod } from './grace-period.ts';
import { countLiveStacks, expireTrial, findEmails, listEndedTrialIds, listTrialsEnding, nextTrialEnd, tryLifecycleLock } from './lifecycle.repository.ts';
import type { Attempt, LifecycleOutcome, LifecycleReport, LifecycleSettings } from './lifecycle.types.ts';
import { addParisDays, parisDate, parisMinuteOfDay } from './paris-calendar.ts';
import { deletionAt, lifecycleKeys, noticeDate, reminderStage, trialDaysLeft } from './trial-calendar.ts';

export interface LifecycleDeps {
  pool: pg.Pool;
  db: Db;
  queue: Pick<Queue, 'send'>;
  queueEmail: QueueEmail;
  log: Logger;
  settings: LifecycleSettings;
}

/** How far ahead reminders look: J-7 is at most 8 × 24 hours (plus a clock change) away. */
const REMINDER_HORIZON_DAYS = 8;

export function createLifecycleService(deps: LifecycleDeps) {
  const { pool, db, log, settings } = deps;
  const links = { pricingUrl: `${settings.publicUrl}/tarifs`, contactUrl: `${settings.publicUrl}/contact` };
  const grace = createGracePeriod({ ...deps, links });
  const retention = createDataRetention(deps);

  /** One run at a time across processes: `busy` when another holds the lock. */
  async function runLifecycle(now: Date): Promise<LifecycleOutcome> {
    const lock = await tryLifecycleLock(pool);
    if (!lock) return { status: 'busy' };
    try {
      return await run(now);
    } finally {
      await lock.release();
    }
  }

  async function run(now: Date): Promise<LifecycleReport> {
    const report: LifecycleReport = {
      status: 'done', at: now, today: parisDate(now), reminders: [], expired: [], suspensions: [], notices: [], deletions: [],
      pending: [], erased: [], purged: { contactMessages: 0, sinkMessages: 0 }, failures: 0, nextDueAt: null,
    };
    const attempt = async (what: string, context: Record<string, unknown>, action: () => Promise<void>) => {
      try {
        await action();
      } catch (err) {
        report.failures++;
        log.error({ err, ...context }, `trial lifecycle: ${what} failed`);
      }
    };
    const calendarOpen = parisMinuteOfDay(now) >= settings.sendFromMinute;

    // Expiry first: a trial whose end has come gets no reminder, whatever the hour.
    for (const subscriptionId of await listEndedTrialIds(db, now)) {
      await attempt('expiry', { subscriptionId }, () => expire(subscriptionId, now, report));
    }
    const dues = await grace.run(now, report, calendarOpen, attempt);
    if (calendarOpen) await sendReminders(now, report, attempt);
    await retention.run(now, report, attempt);

    const candidates = [await nextTrialEnd(db, now), ...dues].filter((d): d is Date => d !== undefined && d > now);
    report.nextDueAt = candidates.length ? new Date(Math.min(...candidates.map((d) => d.getTime()))) : null;
    const { reminders, expired, suspensions, notices, deletions, pending, erased, purged, failures } = report;
    const counts = {
      reminders: reminders.length, expired: expired.length, suspensions: suspensions.length, notices: notices.length,
      deletions: deletions.length, pending: pending.length, erased: erased.length, ...purged, failures,
    };
    if (Object.values(counts).some((n) => n > 0)) {
      log.info({ today: report.today, ...counts }, 'trial lifecycle run');
    }
    return report;
  }

  /** The end has come without an offer: `expired`, the e-mail (when there is an instance to speak of), the audit. */
  async function expire(subscriptionId: number, now: Date, report: LifecycleReport): Promise<void> {
    const expired = await withTransaction(pool, async (transaction) => {
      const trial = await expireTrial(transaction.tx, subscriptionId, now);
      if (!trial) return false;
      const end = trial.trialEndsAt;
      // What the client is told: the end of the grace period, or later if the notice can no longer come in time.
      const today = parisDate(now);
      const planned = noticeDate(end, settings.graceDays);
      const keptUntil = deletionAt(end, settings.graceDays, today > planned ? today : planned);
      if ((await countLiveStacks(transaction.tx, trial.clientId)) > 0) {
        await deps.queueEmail(transaction, {
          template: 'trial-expired', to: [trial.email], clientId: trial.clientId,
          dedupeKey: lifecycleKeys.expired(subscriptionId, end),
          params: { prenom: trial.prenom, entreprise: trial.entreprise, trialEndsAt: end.toISOString(), keptUntil: keptUntil.toISOString(), ...links },
        });
      }
      await recordAudit(transaction.tx, SYSTEM_ACTOR, {
        action: 'subscription.trialExpired', target: { type: 'subscription', id: subscriptionId }, clientId: trial.clientId,
        details: { trialEndsAt: end.toISOString(), keptUntil: keptUntil.toISOString() },
      });
      return true;
    });
    if (expired) report.expired.push(subscriptionId);
  }

  async function sendReminders(now: Date, report: LifecycleReport, attempt: Attempt): Promise<void> {
    const trials = await listTrialsEnding(db, now, addParisDays(now, REMINDER_HORIZON_DAYS));
    const due = trials.flatMap((trial) => {
      const daysLeft = trialDaysLeft(report.today, trial.trialEndsAt);
      const stage = reminderStage(daysLeft);
      return stage ? [{ trial, daysLeft, stage, key: lifecycleKeys.reminder(stage, trial.subscriptionId, trial.trialEndsAt) }] : [];
    });
    const sent = await findEmails(db, due.map((d) => d.key));
    for (const { trial, daysLeft, stage, key } of due) {
      if (sent.has(key)) continue;
      await attempt('reminder', { subscriptionId: trial.subscriptionId, stage }, async () => {
        await withTransaction(pool, async (transaction) => {
          await deps.queueEmail(transaction, {
            template: 'trial-reminder', to: [trial.email], clientId: trial.clientId, dedupeKey: key,
            params: {
              prenom: trial.prenom, entreprise: trial.entreprise, stage, daysLeft, trialEndsAt: trial.trialEndsAt.toISOString(),
              graceDays: settings.graceDays, instanceUrl: trial.instanceUrl, ...links,
            },
          });
          await recordAudit(transaction.tx, SYSTEM_ACTOR, {
            action: 'subscription.trialReminderSent', target: { type: 'subscription', id: trial.subscriptionId }, clientId: trial.clientId,
            details: { stage: `J-${stage}`, daysLeft, trialEndsAt: trial.trialEndsAt.toISOString() },
          });
        });
        report.reminders.push({ subscriptionId: trial.subscriptionId, stage, daysLeft });
      });
    }
  }

  return { runLifecycle };
}

export type LifecycleService = ReturnType<typeof createLifecycleService>;
