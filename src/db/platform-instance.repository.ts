import type { Executor } from './database.ts';
import { platformInstance } from './schema.ts';

/** This platform's id, created with the schema (migration 0003). */
export async function getPlatformInstanceId(ex: Executor): Promise<string> {
  const [row] = await ex.select({ id: platformInstance.id }).from(platformInstance).limit(1);
  if (!row) throw new Error('platform_instance has no row: the migrations did not complete');
  return row.id;
}
