// The e-mail outbox table: insertion (deduplicated by cause), reservation of due e-mails by one
// worker at a time, and the outcome of each attempt.
import { randomBytes } from 'node:crypto';
import { and, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { type EmailSecretRef, type EmailStatus, emailOutbox } from '../db/schema.ts';

export type EmailRow = typeof emailOutbox.$inferSelect;

export interface NewEmail {
  template: string;
  recipients: string[];
  replyTo?: string | null;
  params: Record<string, string | number | null>;
  secretRefs?: Record<string, EmailSecretRef>;
  dedupeKey: string;
  clientId?: number | null;
  deploymentId?: number | null;
}

/** Inserts the e-mail unless one with the same cause exists; returns the id of the e-mail either way. */
export async function insertEmail(ex: Executor, email: NewEmail, messageDomain: string): Promise<{ id: number; created: boolean }> {
  const messageId = `<${email.template}.${randomBytes(12).toString('hex')}@${messageDomain}>`;
  const [inserted] = await ex.insert(emailOutbox).values({ ...email, messageId }).onConflictDoNothing().returning({ id: emailOutbox.id });
  if (inserted) return { id: inserted.id, created: true };
  const [existing] = await ex.select({ id: emailOutbox.id }).from(emailOutbox).where(eq(emailOutbox.dedupeKey, email.dedupeKey));
  return { id: existing!.id, created: false };
}

const RESERVABLE: EmailStatus[] = ['queued', 'failed', 'sending'];

/**
 * Reserves due e-mails for this worker: `sending`, one more attempt, due again when the lease ends (so an
 * e-mail whose worker died is picked up again). `ids` restricts it to given e-mails.
 */
export async function reserveDueEmails(
  ex: Executor, options: { now: Date; leaseMs: number; limit: number; ids?: number[] },
): Promise<EmailRow[]> {
  const due = ex.select({ id: emailOutbox.id }).from(emailOutbox)
    .where(and(
      inArray(emailOutbox.status, RESERVABLE),
      // Due by our clock or the database's (its clock stamped new e-mails): a few ms of skew never delays one.
      lte(emailOutbox.nextAttemptAt, sql`greatest(${options.now}::timestamptz, now())`),
      options.ids ? inArray(emailOutbox.id, options.ids) : undefined,
    ))
    .orderBy(emailOutbox.nextAttemptAt)
    .limit(options.limit)
    .for('update', { skipLocked: true });
  return ex.update(emailOutbox)
    .set({
      status: 'sending',
      attempts: sql`${emailOutbox.attempts} + 1`,
      nextAttemptAt: new Date(options.now.getTime() + options.leaseMs),
    })
    .where(inArray(emailOutbox.id, due))
    .returning();
}

export async function markEmailSent(ex: Executor, id: number, providerResponse: string, at: Date): Promise<void> {
  await ex.update(emailOutbox).set({ status: 'sent', providerResponse, sentAt: at, lastError: null }).where(eq(emailOutbox.id, id));
}

export async function markEmailRetry(ex: Executor, id: number, error: string, nextAttemptAt: Date): Promise<void> {
  await ex.update(emailOutbox).set({ status: 'failed', lastError: error, nextAttemptAt }).where(eq(emailOutbox.id, id));
}

/** After the server accepted an e-mail again: what waits for a retry is due now, not at the end of its backoff. */
export async function expediteRetries(ex: Executor, now: Date): Promise<number> {
  const rows = await ex.update(emailOutbox).set({ nextAttemptAt: now })
    .where(and(eq(emailOutbox.status, 'failed'), gt(emailOutbox.nextAttemptAt, now)))
    .returning({ id: emailOutbox.id });
  return rows.length;
}

export async function markEmailDead(ex: Executor, id: number, error: string): Promise<void> {
  await ex.update(emailOutbox).set({ status: 'dead', lastError: error }).where(eq(emailOutbox.id, id));
}

export async function getEmail(ex: Executor, id: number): Promise<EmailRow | undefined> {
  const [row] = await ex.select().from(emailOutbox).where(eq(emailOutbox.id, id));
  return row;
}

/** The earliest time an e-mail waiting for another attempt is due, if any. */
export async function nextDueAt(ex: Executor): Promise<Date | undefined> {
  const [row] = await ex.select({ at: sql<Date>`min(${emailOutbox.nextAttemptAt})` }).from(emailOutbox)
    .where(inArray(emailOutbox.status, RESERVABLE));
  return row?.at ? new Date(row.at) : undefined;
}

/**
 * Staff resend of an e-mail that failed or was given up: due now, with a fresh backoff. The last error stays
 * until the next attempt replaces it. Undefined when the e-mail is not (or no longer) failed or dead.
 */
export async function requeueEmail(ex: Executor, id: number, now: Date): Promise<EmailRow | undefined> {
  const [row] = await ex.update(emailOutbox).set({ status: 'queued', attempts: 0, nextAttemptAt: now })
    .where(and(eq(emailOutbox.id, id), inArray(emailOutbox.status, ['failed', 'dead'])))
    .returning();
  return row;
}

/** The e-mail, its row locked until the end of the transaction (two staff resending it at once). */
export async function getEmailForUpdate(ex: Executor, id: number): Promise<EmailRow | undefined> {
  const [row] = await ex.select().from(emailOutbox).where(eq(emailOutbox.id, id)).for('update');
  return row;
}
