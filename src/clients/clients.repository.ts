// Clients in the database: creation (signup), one by id, pages of them (keyset on the id: stable, never OFFSET),
// their subscriptions and stacks, and their contact details.
import { and, asc, desc, eq, gt, isNull, ne, type SQL, sql } from 'drizzle-orm';
import { escapeLike } from '../backoffice/client-directory.repository.ts';
import type { Executor } from '../db/database.ts';
import { auditLog, clients, stacks, subscriptions, type SubscriptionStatus } from '../db/schema.ts';
import type { StackRow } from '../provisioning/stacks.repository.ts';
import type { SubscriptionRow } from '../subscriptions/subscriptions.repository.ts';

export type NewClient = typeof clients.$inferInsert;
export type ClientRow = typeof clients.$inferSelect;

/** Inserts a client; returns null when the e-mail (case-insensitive) is already registered. */
export async function createClient(ex: Executor, data: NewClient): Promise<number | null> {
  const rows = await ex.insert(clients).values(data).onConflictDoNothing().returning({ id: clients.id });
  return rows[0]?.id ?? null;
}

/** The client, erased or not; `lock`: its row locked until the end of the transaction. */
export async function findClient(ex: Executor, id: number, options: { lock?: boolean } = {}): Promise<ClientRow | undefined> {
  const query = ex.select().from(clients).where(eq(clients.id, id));
  const [row] = await (options.lock ? query.for('update') : query);
  return row;
}

export interface ClientListFilters {
  /** In the company, the names or the e-mail (the trigram index of the dashboard's search). */
  search?: string;
  /** Of the current subscription. */
  status?: SubscriptionStatus;
  plan?: string;
}

export type ClientListRow = { client: ClientRow; subscription: SubscriptionRow | null };

/** Clients not erased, by id, after `afterId`, with their current subscription. */
export function listClients(ex: Executor, filters: ClientListFilters, afterId: number, limit: number): Promise<ClientListRow[]> {
  const where: SQL[] = [gt(clients.id, afterId), isNull(clients.erasedAt)];
  if (filters.status) where.push(eq(subscriptions.status, filters.status));
  if (filters.plan) where.push(eq(subscriptions.plan, filters.plan));
  if (filters.search) {
    // Written exactly as the index `clients_search_trgm_idx` has it.
    const text = sql`lower(${clients.entreprise} || ' ' || ${clients.prenom} || ' ' || ${clients.nom} || ' ' || ${clients.email})`;
    where.push(sql`${text} like lower(${`%${escapeLike(filters.search)}%`}::text)`);
  }
  return ex.select({ client: clients, subscription: subscriptions }).from(clients)
    .leftJoin(subscriptions, and(eq(subscriptions.clientId, clients.id), isNull(subscriptions.endedAt)))
    .where(and(...where)).orderBy(asc(clients.id)).limit(limit);
}

/** Every subscription the client had, newest first (the current one has no end). */
export function listClientSubscriptions(ex: Executor, clientId: number): Promise<SubscriptionRow[]> {
  return ex.select().from(subscriptions).where(eq(subscriptions.clientId, clientId)).orderBy(desc(subscriptions.id));
}

/** Every stack the client had, oldest first (deleted ones too: they stay as rows). */
export function listClientStacks(ex: Executor, clientId: number): Promise<StackRow[]> {
  return ex.select().from(stacks).where(eq(stacks.clientId, clientId)).orderBy(asc(stacks.id));
}

/** Another client holding this e-mail, whatever its case (the unique index `clients_email_lower_key`). */
export async function findEmailOwner(ex: Executor, email: string, exceptId: number): Promise<number | undefined> {
  const [row] = await ex.select({ id: clients.id }).from(clients)
    .where(and(sql`lower(${clients.email}) = lower(${email})`, ne(clients.id, exceptId))).limit(1);
  return row?.id;
}

export async function updateClient(ex: Executor, id: number, patch: Partial<Omit<NewClient, 'id' | 'createdAt'>>): Promise<void> {
  await ex.update(clients).set(patch).where(eq(clients.id, id));
}

/** The audit action of a contact change; its details: the changed fields, each one's value before and after (`email.before`…). */
export const CONTACT_CHANGE_ACTION = 'client.updated';

/**
 * Every address the client is known by: its e-mail and those it had before (each change of e-mail is in the audit
 * log, in the details of `client.updated`). What the export gathers and the erasure removes.
 */
export async function knownAddresses(ex: Executor, client: Pick<ClientRow, 'id' | 'email'>): Promise<string[]> {
  const rows = await ex.select({ email: sql<string>`${auditLog.details}->>'email.before'` }).from(auditLog)
    .where(and(eq(auditLog.clientId, client.id), eq(auditLog.action, CONTACT_CHANGE_ACTION), sql`${auditLog.details} ? 'email.before'`));
  const addresses = new Map([client.email, ...rows.map((row) => row.email)].map((email) => [email.toLowerCase(), email]));
  return [...addresses.values()];
}

/**
 * Clients, not erased, with nothing going on since `before`: no subscription under way (trialing, active, past due
 * or suspended), no instance left, their last subscription started, ended and its trial over before `before`, and no
 * contact message from their address since. At most `limit`, oldest first.
 */
export async function listDormantClients(ex: Executor, before: Date, limit: number): Promise<number[]> {
  const rows = await ex.select({ id: clients.id }).from(clients).where(and(
    isNull(clients.erasedAt),
    sql`${clients.createdAt} < ${before}`,
    sql`not exists (select 1 from ${subscriptions} s where s.client_id = ${clients.id}
      and (s.status not in ('cancelled', 'expired') or greatest(s.started_at, s.trial_ends_at, s.ended_at) >= ${before}))`,
    sql`not exists (select 1 from ${stacks} k where k.client_id = ${clients.id}
      and k.desired_state <> 'deleted' and k.observed_state not in ('deleted', 'failed'))`,
    sql`not exists (select 1 from contact_messages m where lower(m.email) = lower(${clients.email}) and m.created_at >= ${before})`,
  )).orderBy(asc(clients.id)).limit(limit);
  return rows.map((r) => r.id);
}
