// « Vue d'ensemble »: what staff look at first each morning.
import { countUnresolved, listAlerts } from '../alerts/alerts.repository.ts';
import type { Actor } from '../audit/actor.ts';
import type { Db } from '../db/database.ts';
import { requirePermission } from '../staff/access.ts';
import { countDaily, countOverview, listActiveDeployments, listDeadEmails, listExpiringTrials, listRecentFailures } from './overview.repository.ts';

const DAY_MS = 86_400_000;
export const CHART_DAYS = 30;

export interface DailyPoint {
  /** YYYY-MM-DD, Europe/Paris. */
  day: string;
  signups: number;
  conversions: number;
}

const parisDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

export function createOverviewService(deps: { db: Db; now: () => Date }) {
  async function overview(actor: Actor) {
    requirePermission(actor, 'dashboard:read');
    const now = deps.now();
    const soon = new Date(now.getTime() + 7 * DAY_MS);
    const since = new Date(now.getTime() - CHART_DAYS * DAY_MS);
    const [counts, daily, active, failures, deadEmails, expiring, alerts, alertCounts] = await Promise.all([
      countOverview(deps.db, now, soon),
      countDaily(deps.db, since),
      listActiveDeployments(deps.db, 20),
      listRecentFailures(deps.db, 8),
      listDeadEmails(deps.db, 5),
      listExpiringTrials(deps.db, now, soon, 10),
      listAlerts(deps.db, { unresolved: true, limit: 8 }),
      countUnresolved(deps.db),
    ]);
    // Every day of the window, the empty ones too: a chart with gaps would lie about the rhythm.
    const days: DailyPoint[] = [];
    for (let i = CHART_DAYS - 1; i >= 0; i--) {
      const day = parisDay.format(new Date(now.getTime() - i * DAY_MS));
      days.push({ day, signups: daily.signups.get(day) ?? 0, conversions: daily.conversions.get(day) ?? 0 });
    }
    return { counts: { ...counts, openAlerts: alertCounts.open }, days, active, failures, deadEmails, expiring, alerts };
  }

  return { overview };
}

export type OverviewService = ReturnType<typeof createOverviewService>;
export type Overview = Awaited<ReturnType<OverviewService['overview']>>;
