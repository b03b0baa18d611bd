import type { Executor } from '../db/database.ts';
import { clients } from '../db/schema.ts';

export type NewClient = typeof clients.$inferInsert;
export type ClientRow = typeof clients.$inferSelect;

/** Inserts a client; returns null when the e-mail (case-insensitive) is already registered. */
export async function createClient(ex: Executor, data: NewClient): Promise<number | null> {
  const rows = await ex.insert(clients).values(data).onConflictDoNothing().returning({ id: clients.id });
  return rows[0]?.id ?? null;
}
