// What the embedded SMTP server received.
import { desc, eq, lt } from 'drizzle-orm';
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

/** Newest first, a page at a time: `before` is the last id of the previous page. */
export async function listSinkMessagesPage(ex: Executor, options: { before?: number; limit: number }): Promise<Omit<SinkMessageRow, 'raw'>[]> {
  return ex.select({
    id: mailSinkMessages.id, messageId: mailSinkMessages.messageId, envelopeFrom: mailSinkMessages.envelopeFrom,
    envelopeTo: mailSinkMessages.envelopeTo, subject: mailSinkMessages.subject, receivedAt: mailSinkMessages.receivedAt,
  }).from(mailSinkMessages)
    .where(options.before === undefined ? undefined : lt(mailSinkMessages.id, options.before))
    .orderBy(desc(mailSinkMessages.id)).limit(options.limit);
}

/** Deletes what the embedded SMTP server received before `before`; returns how many. */
export async function deleteSinkMessagesBefore(ex: Executor, before: Date): Promise<number> {
  const rows = await ex.delete(mailSinkMessages).where(lt(mailSinkMessages.receivedAt, before)).returning({ id: mailSinkMessages.id });
  return rows.length;
}
