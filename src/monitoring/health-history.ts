// A stack's health history as the client page shows it: uptime over 7 and 30 days from the sampled checks, and
// the latest checks as a timeline. The approximation is explained in README.md (« Uptime »).
import type { Db } from '../db/database.ts';
import { SAMPLE_EVERY_MS } from './health-state.ts';
import { listHealthTimeline, sumHealthySeconds } from './monitoring.repository.ts';
import type { HealthCheckRow } from './monitoring.repository.ts';

export const TIMELINE_LENGTH = 50;

export interface StackHealthHistory {
  /** Share of the monitored time the instance was healthy, 0-1; null when nothing was checked in the window. */
  uptime7d: number | null;
  uptime30d: number | null;
  /** Newest first. */
  timeline: HealthCheckRow[];
}

export function createHealthHistory(deps: { db: Db; intervalSeconds: number }) {
  // A check's verdict holds until the next row; rows come at least hourly while checks run, so a longer silence
  // means nobody was checking (platform stopped, environment unreachable): that time counts neither way.
  const maxSpanSeconds = SAMPLE_EVERY_MS / 1000 + 2 * deps.intervalSeconds;

  async function uptime(stackId: number, now: Date, days: number): Promise<number | null> {
    const { healthy, known } = await sumHealthySeconds(deps.db, stackId, new Date(now.getTime() - days * 86_400_000), now, maxSpanSeconds);
    return known > 0 ? healthy / known : null;
  }

  async function forStack(stackId: number, now: Date = new Date()): Promise<StackHealthHistory> {
    const [uptime7d, uptime30d, timeline] = await Promise.all([
      uptime(stackId, now, 7), uptime(stackId, now, 30), listHealthTimeline(deps.db, stackId, TIMELINE_LENGTH),
    ]);
    return { uptime7d, uptime30d, timeline };
  }

  return { forStack };
}

export type HealthHistory = ReturnType<typeof createHealthHistory>;
