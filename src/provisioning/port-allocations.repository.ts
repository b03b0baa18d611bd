import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { portAllocations } from '../db/schema.ts';

export interface PortRange {
  min: number;
  max: number;
}

/**
 * The stack's port in this environment: the one it already holds, or the lowest free one not in `exclude`.
 * Concurrent allocations may pick the same port; the primary key decides and the loser
 * tries again. Returns null when the range is exhausted.
 */
export async function allocatePort(
  ex: Executor, environment: string, stackId: number, range: PortRange, exclude: readonly number[] = [],
): Promise<number | null> {
  const candidates = sql`generate_series(${range.min}::int, ${range.max}::int) p
      where not exists (select 1 from ${portAllocations} a where a.environment = ${environment} and a.port = p)
        and p <> all(${`{${exclude.join(',')}}`}::int[])`;
  for (let attempt = 0; attempt < 20; attempt++) {
    const [held] = await ex.select({ port: portAllocations.port }).from(portAllocations).where(eq(portAllocations.stackId, stackId));
    if (held) return held.port;
    const { rows } = await ex.execute<{ port: number }>(sql`
      insert into ${portAllocations} (environment, port, stack_id)
      select ${environment}, p, ${stackId} from ${candidates}
      order by p limit 1
      on conflict do nothing
      returning port`);
    if (rows[0]) return rows[0].port;
    const { rows: [free] } = await ex.execute<{ n: number }>(sql`
      select count(*)::int as n from ${candidates}`);
    if (!free || free.n === 0) return null;
  }
  return null;
}

export async function releasePort(ex: Executor, stackId: number): Promise<void> {
  await ex.delete(portAllocations).where(eq(portAllocations.stackId, stackId));
}
