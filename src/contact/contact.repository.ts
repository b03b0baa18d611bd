import type { Executor } from '../db/database.ts';
import { contactMessages } from '../db/schema.ts';

export type NewContactMessage = typeof contactMessages.$inferInsert;

export async function createContactMessage(ex: Executor, data: NewContactMessage): Promise<number> {
  const [row] = await ex.insert(contactMessages).values(data).returning({ id: contactMessages.id });
  return row!.id;
}
