// `erpbtp lifecycle run [--date YYYY-MM-DD [--force]]`: one lifecycle run now (a missed day, a check after an
// incident), or as on a given day at LIFECYCLE_RUN_AT. The stack operations it queues are carried out by the
// platform's workers. A future date would expire trials and delete instances ahead of time: only with --force,
// for a demonstration platform.
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { format, t } from '../i18n/index.ts';
import { startQueue } from '../jobs/queue.ts';
import { createEmailQueuer } from '../mail/outbox.ts';
import { lifecycleSettings, runAtMinute } from './lifecycle.jobs.ts';
import { createLifecycleService } from './lifecycle.service.ts';
import { parisDate, parisInstant, parseParisDate } from './paris-calendar.ts';

export type LifecycleCommand = (url: string, database: Database) => Promise<number>;

/** Parses the command; returns the exit code instead when there is nothing to run. */
export function prepareLifecycleCommand(
  argv: string[], config: Config, log: Logger, print: (line: string) => void, now: () => Date = () => new Date(),
): LifecycleCommand | number {
  const parsed = parseCommand(argv);
  if (!parsed) {
    console.error(t('lifecycle.cli.usage', { runAt: config.lifecycleRunAt }));
    return 2;
  }
  let at = now();
  if (parsed.date !== undefined) {
    const date = parseParisDate(parsed.date);
    if (!date) {
      console.error(t('lifecycle.cli.badDate', { date: parsed.date }));
      return 2;
    }
    if (date > parisDate(at) && !parsed.force) {
      console.error(t('lifecycle.cli.future', { date }));
      return 2;
    }
    at = parisInstant(date, runAtMinute(config.lifecycleRunAt));
  }
  return async (url, database) => {
    const queue = await startQueue(url, log);
    try {
      const lifecycle = createLifecycleService({
        pool: database.pool, db: database.db, queue, log,
        queueEmail: createEmailQueuer({ queue, messageDomain: new URL(config.publicUrl).hostname }),
        settings: lifecycleSettings(config, config.publicUrl),
      });
      const outcome = await lifecycle.runLifecycle(at);
      if (outcome.status === 'busy') {
        console.error(t('lifecycle.cli.busy'));
        return 1;
      }
      print(t('lifecycle.cli.at', { at: format.dateTime(at) }));
      print(t('lifecycle.cli.summary', {
        reminders: outcome.reminders.length, expired: outcome.expired.length, suspensions: outcome.suspensions.length,
        notices: outcome.notices.length, deletions: outcome.deletions.length, pending: outcome.pending.length,
        erased: outcome.erased.length, contactMessages: outcome.purged.contactMessages, sinkMessages: outcome.purged.sinkMessages,
        failures: outcome.failures,
      }));
      if (outcome.nextDueAt) print(t('lifecycle.cli.next', { at: format.dateTime(outcome.nextDueAt) }));
      return outcome.failures > 0 ? 1 : 0;
    } finally {
      await queue.stop();
    }
  };
}

function parseCommand(argv: string[]): { date: string | undefined; force: boolean } | undefined {
  try {
    const { positionals, values } = parseArgs({
      args: argv, allowPositionals: true,
      options: { date: { type: 'string' }, force: { type: 'boolean', default: false } },
    });
    const [, sub, ...extra] = positionals;
    if (sub !== 'run' || extra.length > 0 || (values.force && values.date === undefined)) return undefined;
    return { date: values.date, force: values.force };
  } catch {
    return undefined; // unknown option
  }
}
