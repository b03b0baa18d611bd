import { eq, lt } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { contactMessages } from '../db/schema.ts';

export type NewContactMessage = typeof contactMessages.$inferInsert;

export async function createContactMessage(ex: Executor, data: NewContactMessage): Promise<{ id: number; createdAt: Date }> {
  const [row] = await ex.insert(contactMessages).values(data).returning({ id: contactMessages.id, createdAt: contactMessages.createdAt });
  return row!;
}

export async function markContactForwarded(ex: Executor, id: number, at: Date): Promise<void> {
  await ex.update(contactMessages).set({ forwardedAt: at }).where(eq(contactMessages.id, id));
}

/** Deletes the messages received before `before` (privacy policy: 3 years); returns how many. */
export async function deleteContactMessagesBefore(ex: Executor, before: Date): Promise<number> {
  const rows = await ex.delete(contactMessages).where(lt(contactMessages.createdAt, before)).returning({ id: contactMessages.id });
  return rows.length;
}
