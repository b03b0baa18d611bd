import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { deploymentSteps, type StepStatus } from '../db/schema.ts';

export type DeploymentStepRow = typeof deploymentSteps.$inferSelect;

export async function createSteps(ex: Executor, deploymentId: number, names: readonly string[]): Promise<void> {
  await ex.insert(deploymentSteps).values(names.map((name, position) => ({ deploymentId, name, position })));
}

export async function listSteps(ex: Executor, deploymentId: number): Promise<DeploymentStepRow[]> {
  return ex.select().from(deploymentSteps).where(eq(deploymentSteps.deploymentId, deploymentId)).orderBy(asc(deploymentSteps.position));
}

export async function markStepRunning(ex: Executor, id: number, at: Date): Promise<DeploymentStepRow> {
  const [row] = await ex.update(deploymentSteps)
    .set({ status: 'running', attempt: sql`${deploymentSteps.attempt} + 1`, startedAt: sql`coalesce(${deploymentSteps.startedAt}, ${at.toISOString()}::timestamptz)`, error: null })
    .where(eq(deploymentSteps.id, id)).returning();
  return row!;
}

export async function finishStep(ex: Executor, id: number, status: StepStatus, at: Date, error: string | null = null): Promise<void> {
  await ex.update(deploymentSteps).set({ status, finishedAt: at, error }).where(eq(deploymentSteps.id, id));
}

export async function recordStepError(ex: Executor, id: number, error: string): Promise<void> {
  await ex.update(deploymentSteps).set({ status: 'pending', error }).where(eq(deploymentSteps.id, id));
}

export async function skipPendingSteps(ex: Executor, deploymentId: number): Promise<void> {
  await ex.update(deploymentSteps).set({ status: 'skipped' })
    .where(and(eq(deploymentSteps.deploymentId, deploymentId), inArray(deploymentSteps.status, ['pending', 'running'])));
}

export async function resetSteps(ex: Executor, deploymentId: number): Promise<void> {
  await ex.update(deploymentSteps).set({ status: 'pending', attempt: 0, startedAt: null, finishedAt: null, error: null })
    .where(eq(deploymentSteps.deploymentId, deploymentId));
}

/** Mean duration in ms of each step over its last `sample` successful runs. */
export async function recentStepDurations(ex: Executor, names: readonly string[], sample = 20): Promise<Map<string, number>> {
  const { rows } = await ex.execute<{ name: string; ms: number }>(sql`
    select s.name, avg(extract(epoch from (x.finished_at - x.started_at)) * 1000)::float8 as ms
    from unnest(string_to_array(${names.join(',')}, ',')) as s(name)
    cross join lateral (
      select finished_at, started_at from ${deploymentSteps}
      where name = s.name and status = 'succeeded' and finished_at is not null and started_at is not null
      order by finished_at desc limit ${sample}
    ) x
    group by s.name`);
  return new Map(rows.map((r) => [r.name, Number(r.ms)]));
}

