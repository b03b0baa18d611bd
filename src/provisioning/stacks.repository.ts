import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { stacks } from '../db/schema.ts';
import { stackNameCandidate } from '../signup/stack-name.ts';

export type NewStack = Omit<typeof stacks.$inferInsert, 'name'>;
export type StackRow = typeof stacks.$inferSelect;

/**
 * Inserts a stack named `base`, or `base-N` with the smallest free N. Concurrent callers may
 * pick the same candidate: the unique index decides, and the loser tries the next one.
 */
export async function createStackWithUniqueName(ex: Executor, base: string, data: NewStack): Promise<{ id: number; name: string }> {
  const { rows } = await ex.execute<{ n: number }>(sql`
    select coalesce(max(case when name = ${base} then 1 else substring(name from '-([0-9]+)$')::int end), 0) as n
    from ${stacks}
    where name = ${base} or name ~ ('^' || ${escapeRegex(base)} || '-[0-9]+$')`);
  for (let n = Number(rows[0]?.n ?? 0) + 1; ; n++) {
    const name = stackNameCandidate(base, n);
    const inserted = await ex.insert(stacks).values({ ...data, name }).onConflictDoNothing().returning({ id: stacks.id });
    if (inserted[0]) return { id: inserted[0].id, name };
  }
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/** Stacks that should be running and did run once, with their latest deployment. */
export async function latestDeploymentsOfRunningStacks(ex: Executor, orchestrator: string): Promise<{ deploymentId: number }[]> {
  const { rows } = await ex.execute<{ deploymentId: number }>(sql`
    select (select max(d.id) from deployments d where d.stack_id = s.id) as "deploymentId"
    from ${stacks} s
    where s.orchestrator = ${orchestrator} and s.desired_state = 'running' and s.observed_state in ('running', 'degraded', 'down')`);
  return rows.map((r) => ({ deploymentId: Number(r.deploymentId) }));
}
