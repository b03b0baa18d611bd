// All SQL of monitoring. The cycle reads and writes thousands of stacks at once, so its statements take arrays
// (one round trip per cycle, not one per stack); the client page's history reads go through Drizzle.
import { desc, eq, sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Db, Executor } from '../db/database.ts';
import { healthChecks, stacks } from '../db/schema.ts';
import type { MonitoredState } from './health-state.ts';
import { MONITORED_STATES } from './health-state.ts';

type Queryable = Pick<pg.Pool, 'query'>;

/** A stack the cycle checks, with its recorded health and its latest history row. */
export interface MonitoredStack {
  id: number;
  clientId: number;
  name: string;
  environment: string;
  url: string | null;
  observedState: MonitoredState;
  healthStatus: string | null;
  failures: number;
  successes: number;
  downSince: Date | null;
  healedAt: Date | null;
  checkedAt: Date | null;
  lastSampleAt: Date | null;
  lastSampleOk: boolean | null;
}

/** Stacks of this orchestrator meant to run and that did run once (not being created, failed, stopped or deleted). */
export async function listMonitoredStacks(db: Queryable, orchestrator: string): Promise<MonitoredStack[]> {
  const { rows } = await db.query<MonitoredStack>({
    name: 'monitoring-list-stacks',
    text: `select s.id, s.client_id as "clientId", s.name, s.environment, s.url, s.observed_state as "observedState",
        s.health_status as "healthStatus", s.health_failures as failures, s.health_successes as successes,
        s.down_since as "downSince", s.healed_at as "healedAt", s.health_checked_at as "checkedAt",
        h.checked_at as "lastSampleAt", h.ok as "lastSampleOk"
      from stacks s
      left join lateral (select checked_at, ok from health_checks where stack_id = s.id order by checked_at desc limit 1) h on true
      where s.orchestrator = $1 and s.desired_state = 'running' and s.observed_state = any($2::text[])
      order by s.id`,
    values: [orchestrator, MONITORED_STATES],
  });
  return rows;
}

export interface HealthUpdate {
  id: number;
  /** The observed state the cycle read: the row is only written if nobody changed it meanwhile. */
  previousState: MonitoredState;
  state: MonitoredState;
  healthStatus: string;
  failures: number;
  successes: number;
  downSince: Date | null;
  healedAt: Date | null;
}

/**
 * Writes each stack's new health in one statement. A row whose observed state a deployment changed since the cycle
 * read it (or whose desired state is no longer running) is left alone: that check is dropped. Returns the ids written.
 */
export async function saveHealth(db: Queryable, updates: HealthUpdate[], checkedAt: Date): Promise<Set<number>> {
  if (updates.length === 0) return new Set();
  const { rows } = await db.query<{ id: number }>({
    name: 'monitoring-save-health',
    text: `update stacks s set observed_state = v.state, health_status = v.status, health_checked_at = $9,
        health_failures = v.failures, health_successes = v.successes, down_since = v.down_since, healed_at = v.healed_at,
        updated_at = case when s.observed_state <> v.state then $9 else s.updated_at end
      from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::timestamptz[], $8::timestamptz[])
        as v(id, previous_state, state, status, failures, successes, down_since, healed_at)
      where s.id = v.id and s.observed_state = v.previous_state and s.desired_state = 'running'
      returning s.id`,
    values: [
      updates.map((u) => u.id), updates.map((u) => u.previousState), updates.map((u) => u.state), updates.map((u) => u.healthStatus),
      updates.map((u) => u.failures), updates.map((u) => u.successes), updates.map((u) => u.downSince), updates.map((u) => u.healedAt), checkedAt,
    ],
  });
  return new Set(rows.map((r) => Number(r.id)));
}

export interface HealthSample {
  stackId: number;
  ok: boolean;
  instanceState: string;
  httpStatus: number | null;
  latencyMs: number | null;
  detail: string | null;
}

export async function insertHealthChecks(db: Queryable, samples: HealthSample[], checkedAt: Date): Promise<void> {
  if (samples.length === 0) return;
  await db.query({
    name: 'monitoring-insert-checks',
    text: `insert into health_checks (stack_id, ok, instance_state, http_status, latency_ms, detail, checked_at)
      select v.stack_id, v.ok, v.instance_state, v.http_status, v.latency_ms, v.detail, $7
      from unnest($1::bigint[], $2::boolean[], $3::text[], $4::int[], $5::int[], $6::text[])
        as v(stack_id, ok, instance_state, http_status, latency_ms, detail)`,
    values: [
      samples.map((s) => s.stackId), samples.map((s) => s.ok), samples.map((s) => s.instanceState), samples.map((s) => s.httpStatus),
      samples.map((s) => s.latencyMs), samples.map((s) => s.detail), checkedAt,
    ],
  });
}

/** Deletes history older than `before`, at most `limit` rows (indexed on checked_at): a cycle never stalls on it. */
export async function deleteHealthChecksBefore(db: Queryable, before: Date, limit: number): Promise<number> {
  const { rowCount } = await db.query({
    name: 'monitoring-purge-checks',
    text: 'delete from health_checks where id in (select id from health_checks where checked_at < $1 order by checked_at limit $2)',
    values: [before, limit],
  });
  return rowCount ?? 0;
}

/** The self-healing restart of the current outage, written in the transaction that queues it. */
export async function markHealed(ex: Executor, stackId: number, at: Date): Promise<void> {
  await ex.update(stacks).set({ healedAt: at }).where(eq(stacks.id, stackId));
}

/** The client's company, named in the alert. */
export async function getCompanyName(db: Queryable, clientId: number): Promise<string | undefined> {
  const { rows } = await db.query<{ entreprise: string }>('select entreprise from clients where id = $1', [clientId]);
  return rows[0]?.entreprise;
}

export interface AbandonedOutage {
  id: number;
  name: string;
  healedAt: Date | null;
}

/** Outages of stacks no longer monitored (suspended, deleted, being recreated): nobody will see them recover. */
export async function clearAbandonedOutages(db: Queryable, orchestrator: string): Promise<AbandonedOutage[]> {
  const { rows } = await db.query<AbandonedOutage>({
    name: 'monitoring-clear-abandoned',
    text: `with abandoned as (
        select id, name, healed_at from stacks
        where orchestrator = $1 and down_since is not null and not (desired_state = 'running' and observed_state = any($2::text[]))
        for update
      )
      update stacks s set down_since = null, healed_at = null, health_failures = 0, health_successes = 0
      from abandoned a where s.id = a.id
      returning a.id, a.name, a.healed_at as "healedAt"`,
    values: [orchestrator, MONITORED_STATES],
  });
  return rows;
}

export type HealthCheckRow = typeof healthChecks.$inferSelect;

/** The latest checks of a stack, newest first: state changes, failures and hourly samples. */
export function listHealthTimeline(db: Db, stackId: number, limit: number): Promise<HealthCheckRow[]> {
  return db.select().from(healthChecks).where(eq(healthChecks.stackId, stackId)).orderBy(desc(healthChecks.checkedAt), desc(healthChecks.id)).limit(limit);
}

/**
 * Seconds known healthy and seconds known at all within [from, to]: each check's verdict holds until the next one,
 * for at most `maxSpanSeconds` (beyond, nothing was checked: the platform or the orchestrator was away).
 */
export async function sumHealthySeconds(db: Db, stackId: number, from: Date, to: Date, maxSpanSeconds: number): Promise<{ healthy: number; known: number }> {
  const { rows } = await db.execute<{ healthy: number | null; known: number | null }>(sql`
    with checks as (
      select ok, checked_at, lead(checked_at, 1, ${to}::timestamptz) over (order by checked_at, id) as next_at
      from ${healthChecks}
      where stack_id = ${stackId} and checked_at <= ${to}::timestamptz and checked_at >= coalesce(
        (select max(checked_at) from ${healthChecks} where stack_id = ${stackId} and checked_at <= ${from}::timestamptz), ${from}::timestamptz)
    ), spans as (
      select ok, extract(epoch from least(next_at, checked_at + make_interval(secs => ${maxSpanSeconds})) - greatest(checked_at, ${from}::timestamptz)) as seconds
      from checks
    )
    select sum(seconds) filter (where ok) as healthy, sum(seconds) as known from spans where seconds > 0`);
  const row = rows[0];
  return { healthy: Number(row?.healthy ?? 0), known: Number(row?.known ?? 0) };
}
