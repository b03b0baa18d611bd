import { eq } from 'drizzle-orm';
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
