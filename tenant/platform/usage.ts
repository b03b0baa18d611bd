// Reports the instance's usage (users, chantiers, database size) to the platform: shortly after boot,
// then periodically. Best effort: a failed report is simply retried at the next tick.
import type { Logger } from 'pino';
import type { Queryable } from '../db/pool.ts';
import type { PlatformClient, Usage } from './platform.client.ts';

export async function measureUsage(db: Queryable): Promise<Usage> {
  const { rows } = await db.query<{ users: number; projects: number; storageBytes: string }>(
    `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM chantiers)::int AS projects,
       pg_database_size(current_database())::text AS "storageBytes"`,
  );
  const row = rows[0];
  return { users: row?.users ?? 0, projects: row?.projects ?? 0, storageBytes: Number(row?.storageBytes ?? 0) };
}

export interface UsageReporter {
  reportNow(): Promise<void>;
  stop(): void;
}

export function startUsageReporter(deps: {
  platform: Pick<PlatformClient, 'reportUsage'>;
  db: Queryable;
  log: Logger;
  intervalMs?: number;
  firstDelayMs?: number;
}): UsageReporter {
  const intervalMs = deps.intervalMs ?? 60 * 60_000;
  async function reportNow(): Promise<void> {
    try {
      const usage = await measureUsage(deps.db);
      const sent = await deps.platform.reportUsage(usage);
      deps.log.debug({ ...usage, sent }, 'usage reported');
    } catch (err) {
      deps.log.warn({ err: { message: (err as Error).message } }, 'usage could not be measured');
    }
  }
  const first = setTimeout(() => void reportNow(), deps.firstDelayMs ?? 5_000);
  const timer = setInterval(() => void reportNow(), intervalMs);
  first.unref();
  timer.unref();
  return {
    reportNow,
    stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
