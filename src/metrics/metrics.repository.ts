// What /metrics reads from the database at each scrape: the platform's state is in PostgreSQL,
// shared by every process, so these figures are the same whichever process answers.
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';

/** Upper bounds (seconds) of the time-to-ready histogram: the product's headline SLO is a few seconds. */
export const READY_BUCKETS = [1, 2, 3, 5, 8, 13, 20, 30, 60, 120, 300] as const;

export interface ReadyHistogramRow {
  orchestrator: string;
  plan: string;
  count: number;
  sum: number;
  /** Cumulative counts, one per bucket of READY_BUCKETS. */
  buckets: number[];
}

/** Signup accepted (the creation's deployment row) → instance healthy (the deployment's end), per orchestrator and plan. */
export async function readyHistogram(ex: Executor): Promise<ReadyHistogramRow[]> {
  const bucketColumns = READY_BUCKETS.map((b) => sql`count(*) filter (where seconds <= ${b})::int`);
  const { rows } = await ex.execute<{ orchestrator: string; plan: string; count: number; sum: number; buckets: number[] }>(sql`
    with ready as (
      select s.orchestrator, sub.plan, extract(epoch from d.finished_at - d.created_at)::float8 as seconds
      from deployments d join stacks s on s.id = d.stack_id
      join subscriptions sub on sub.client_id = s.client_id and sub.ended_at is null
      where d.kind = 'create' and d.state = 'succeeded' and d.finished_at is not null)
    select orchestrator, plan, count(*)::int as count, coalesce(sum(seconds), 0)::float8 as sum,
      array[${sql.join(bucketColumns, sql`, `)}] as buckets
    from ready group by orchestrator, plan`);
  return rows;
}

export async function countGroups(ex: Executor, query: 'stacks' | 'deployments' | 'outbox' | 'alerts'): Promise<{ labels: Record<string, string>; value: number }[]> {
  const statements = {
    stacks: sql`select observed_state as state, orchestrator, count(*)::int as value from stacks group by 1, 2`,
    deployments: sql`select kind, state as result, count(*)::int as value from deployments where state in ('succeeded', 'failed') group by 1, 2`,
    outbox: sql`select status, count(*)::int as value from email_outbox group by 1`,
    alerts: sql`select kind, status, count(*)::int as value from alerts where status <> 'resolved' group by 1, 2`,
  };
  const { rows } = await ex.execute<Record<string, string | number>>(statements[query]);
  return rows.map(({ value, ...labels }) => ({ labels: labels as Record<string, string>, value: Number(value) }));
}

/** Jobs ready to run in each pg-boss queue and the age of the oldest (pg-boss's own table, read-only). */
export async function waitingJobs(ex: Executor): Promise<{ queue: string; depth: number; seconds: number }[]> {
  const { rows } = await ex.execute<{ queue: string; depth: number; seconds: number }>(sql`
    select name as queue, count(*)::int as depth, extract(epoch from now() - min(created_on))::float8 as seconds
    from pgboss.job where state in ('created', 'retry') and start_after <= now() group by name`);
  return rows;
}
