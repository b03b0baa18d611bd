// The trial lifecycle's calendar: which reminder a day calls for, when the notice is due, when data is deleted.
// Pure functions of the trial's end and of "now", so every boundary can be tested without a clock.
//
// Days are Europe/Paris calendar days (see paris-calendar.ts). On the Paris date T of `now`, a trial whose end
// instant falls on Paris date D is at « J-n » with n = D − T: J-7 is the date seven Paris dates before the end
// date, whatever the hour of the end and whatever clock change lies between (a 23- or 25-hour day is one day).
import { addDays, addParisDays, daysBetween, type ParisDate, parisDate } from './paris-calendar.ts';

/** The reminders, latest first. */
export const REMINDER_STAGES = [1, 3, 7] as const;
export type ReminderStage = (typeof REMINDER_STAGES)[number];

/** The notice goes out this many Paris days before the deletion date, and the deletion never comes sooner. */
export const NOTICE_DAYS = 2;

/** Calendar days left on `today` before the trial's end date (0 on the end date itself). */
export function trialDaysLeft(today: ParisDate, trialEndsAt: Date): number {
  return daysBetween(today, parisDate(trialEndsAt));
}

/**
 * The reminder a trial with `daysLeft` calls for: J-7 from 7 to 4 days left, J-3 from 3 to 2, J-1 on the eve and
 * on the end date before the end. A daily run sends J-7, J-3 and J-1 on their own days; a run that comes after
 * missed days sends the reminder of the period it falls in, once (its key), and never the earlier ones, which are
 * stale: after three missed days at J-4, a run at J-3 sends J-3 only.
 */
export function reminderStage(daysLeft: number): ReminderStage | undefined {
  return REMINDER_STAGES.find((stage) => daysLeft >= 0 && daysLeft <= stage);
}

/** The end of the grace period: `graceDays` Paris days after the trial's end, at the same Paris time. */
export function graceEndsAt(trialEndsAt: Date, graceDays: number): Date {
  return addParisDays(trialEndsAt, graceDays);
}

/** The Paris date from which the deletion notice is due. */
export function noticeDate(trialEndsAt: Date, graceDays: number): ParisDate {
  return addDays(parisDate(graceEndsAt(trialEndsAt, graceDays)), -NOTICE_DAYS);
}

/**
 * When the data goes, given the Paris date the notice is (or would be) sent: the end of the grace period, or,
 * when the notice goes out later than planned (runs missed), `NOTICE_DAYS` Paris days after it, at the same
 * Paris time as the trial's end. A notice therefore always precedes its deletion by two calendar days at least.
 */
export function deletionAt(trialEndsAt: Date, graceDays: number, noticeSentOn: ParisDate): Date {
  const planned = graceEndsAt(trialEndsAt, graceDays);
  const late = daysBetween(parisDate(planned), addDays(noticeSentOn, NOTICE_DAYS));
  return late > 0 ? addParisDays(planned, late) : planned;
}

/**
 * The causes of the lifecycle's e-mails, one e-mail each. The trial's end instant is part of the cause: an extension
 * starts a new cycle with its own reminders, expiry and notice (its date alone would not do: 24 hours added on the
 * 25-hour day of October can keep the same date).
 */
export const lifecycleKeys = {
  reminder: (stage: ReminderStage, subscriptionId: number, trialEndsAt: Date) =>
    `trial-reminder:${stage}:subscription:${subscriptionId}:${trialEndsAt.toISOString()}`,
  expired: (subscriptionId: number, trialEndsAt: Date) => `trial-expired:subscription:${subscriptionId}:${trialEndsAt.toISOString()}`,
  notice: (subscriptionId: number, trialEndsAt: Date) => `trial-deletion-notice:subscription:${subscriptionId}:${trialEndsAt.toISOString()}`,
};
