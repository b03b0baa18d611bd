// What the embedded SMTP server received.
import { desc, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { mailSinkMessages } from '../db/schema.ts';

export type SinkMessageRow = typeof mailSinkMessages.$inferSelect;

/** Stores the message unless one with its Message-ID is already there; false for a duplicate. */
export async function storeSinkMessage(ex: Executor, message: Omit<typeof mailSinkMessages.$inferInsert, 'id' | 'receivedAt'>): Promise<boolean> {
  const rows = await ex.insert(mailSinkMessages).values(message).onConflictDoNothing().returning({ id: mailSinkMessages.id });
  return rows.length > 0;
}

export async function listSinkMessages(ex: Executor, limit: number): Promise<Omit<SinkMessageRow, 'raw'>[]> {
  return ex.select({
    id: mailSinkMessages.id, messageId: mailSinkMessages.messageId, envelopeFrom: mailSinkMessages.envelopeFrom,
    envelopeTo: mailSinkMessages.envelopeTo, subject: mailSinkMessages.subject, receivedAt: mailSinkMessages.receivedAt,
  }).from(mailSinkMessages).orderBy(desc(mailSinkMessages.id)).limit(limit);
}

export async function getSinkMessage(ex: Executor, id: number): Promise<SinkMessageRow | undefined> {
  const [row] = await ex.select().from(mailSinkMessages).where(eq(mailSinkMessages.id, id));
  return row;
}
