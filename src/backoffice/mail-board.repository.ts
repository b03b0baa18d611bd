// The dashboard's reading of the e-mail outbox: newest first, a page at a time (keyset on the id),
// filtered by status and by a part of a recipient's address, with the client's company when known.
import { and, desc, eq, lt, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { clients, type EmailStatus, emailOutbox } from '../db/schema.ts';

export interface OutboxFilter {
  status?: EmailStatus;
  /** A part of a recipient's address, any case. */
  recipient?: string;
  /** The last id of the previous page. */
  before?: number;
}

export interface OutboxListItem {
  id: number;
  template: string;
  recipients: string[];
  status: EmailStatus;
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
  createdAt: Date;
  nextAttemptAt: Date;
  clientId: number | null;
  entreprise: string | null;
}

/** `%`, `_` and `\` typed by a person are letters, not wildcards. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listOutbox(ex: Executor, filter: OutboxFilter, limit: number): Promise<OutboxListItem[]> {
  const where: SQL[] = [];
  if (filter.status) where.push(eq(emailOutbox.status, filter.status));
  if (filter.before !== undefined) where.push(lt(emailOutbox.id, filter.before));
  // No index serves this search: the outbox is read newest first until a page is found, fine for its size today.
  if (filter.recipient) where.push(sql`lower(array_to_string(${emailOutbox.recipients}, ' ')) like ${likePattern(filter.recipient)}`);
  return ex.select({
    id: emailOutbox.id,
    template: emailOutbox.template,
    recipients: emailOutbox.recipients,
    status: emailOutbox.status,
    attempts: emailOutbox.attempts,
    lastError: emailOutbox.lastError,
    sentAt: emailOutbox.sentAt,
    createdAt: emailOutbox.createdAt,
    nextAttemptAt: emailOutbox.nextAttemptAt,
    clientId: emailOutbox.clientId,
    entreprise: clients.entreprise,
  }).from(emailOutbox)
    .leftJoin(clients, eq(clients.id, emailOutbox.clientId))
    .where(and(...where))
    .orderBy(desc(emailOutbox.id))
    .limit(limit);
}
