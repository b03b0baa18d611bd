// When the lifecycle runs: every day at LIFECYCLE_RUN_AT, Paris time (a pg-boss cron schedule evaluated in
// Europe/Paris, so 07:00 stays 07:00 across clock changes); once at every worker start, which catches up on a
// missed day; and at the next instant something falls due between two daily runs (a trial ending at 14:23 is
// suspended at 14:23, not the next morning). Runs are jobs of one queue, so any worker may take them; the
// service's advisory lock lets one run at a time, and a job that finds it taken fails and is retried shortly.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { JobCatalogue } from '../jobs/catalogue.ts';
import type { Queue } from '../jobs/queue.ts';
import type { Config } from '../config.ts';
import type { LifecycleService } from './lifecycle.service.ts';
import type { LifecycleSettings } from './lifecycle.types.ts';

const ZONE = 'Europe/Paris';
/** A due instant further away than this is left to the daily run, which will schedule it again. */
const DUE_HORIZON_MS = 25 * 3_600_000;

export interface LifecycleWorkerOptions {
  queue: Pick<Queue, 'work' | 'send' | 'boss'>;
  lifecycle: Pick<LifecycleService, 'runLifecycle'>;
  /** `HH:MM`, Paris time. */
  runAt: string;
  log: Logger;
  now?: () => Date;
}

export async function startLifecycleWorker(options: LifecycleWorkerOptions): Promise<void> {
  const { queue, lifecycle, log } = options;
  const now = options.now ?? (() => new Date());
  await queue.work('lifecycle.run', { concurrency: 1 }, async ({ trigger, dueAt }) => {
    // A due run is never earlier than its instant, whatever the skew between this clock and the database's.
    const at = new Date(Math.max(now().getTime(), dueAt ? Date.parse(dueAt) : 0));
    const outcome = await lifecycle.runLifecycle(at);
    if (outcome.status === 'busy') throw new Error('another trial lifecycle run holds the lock: retried shortly');
    if (outcome.nextDueAt) await scheduleDueRun(queue, outcome.nextDueAt, at);
    log.debug({ trigger, nextDueAt: outcome.nextDueAt }, 'trial lifecycle job done');
    // Everything done is recorded and nothing is done twice: a retry of the whole run redoes only what failed.
    if (outcome.failures > 0) throw new Error(`${outcome.failures} trial lifecycle action(s) failed: retried`);
  });
  // Stored in the database (name, no key): every worker writes the same row, and a changed LIFECYCLE_RUN_AT replaces it.
  await queue.boss.schedule('lifecycle.run', dailyCron(options.runAt), { trigger: 'schedule' }, { tz: ZONE });
  await queue.send('lifecycle.run', { trigger: 'start' });
}

/** The service's settings from the configuration (`publicUrl`: where the site really answers). */
export function lifecycleSettings(config: Pick<Config, 'trialGraceDays' | 'lifecycleRunAt'>, publicUrl: string): LifecycleSettings {
  return { publicUrl, graceDays: config.trialGraceDays, sendFromMinute: runAtMinute(config.lifecycleRunAt) };
}

/** `07:00` → 420. */
export function runAtMinute(runAt: string): number {
  const [hour, minute] = runAt.split(':').map(Number) as [number, number];
  return hour * 60 + minute;
}

/** `07:00` → `0 7 * * *`. */
export function dailyCron(runAt: string): string {
  const [hour, minute] = runAt.split(':').map(Number) as [number, number];
  return `${minute} ${hour} * * *`;
}

/**
 * One job per due instant, whatever the number of runs that see it: its id is derived from the instant, and pg-boss
 * ignores a second job with the same id.
 */
export async function scheduleDueRun(queue: Pick<Queue, 'boss'>, at: Date, now: Date): Promise<string | null> {
  if (at.getTime() - now.getTime() > DUE_HORIZON_MS) return null;
  // The facade's send has no `id`: pg-boss itself, with the payload typed from the catalogue.
  const data: JobCatalogue['lifecycle.run'] = { trigger: 'due', dueAt: at.toISOString() };
  return queue.boss.send('lifecycle.run', data, { id: dueRunId(at), startAfter: at });
}

function dueRunId(at: Date): string {
  const hex = createHash('sha256').update(`lifecycle.run:due:${at.toISOString()}`).digest('hex');
  // A name-based UUID (version 5 layout, RFC 9562 variant), so PostgreSQL's uuid type takes it.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
