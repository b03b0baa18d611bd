// The trial lifecycle's queries: trials about to end or ended, expired subscriptions and their instances, the
// lifecycle's own e-mails (their rows are the record of what was announced), and the lock of a run.
import { and, eq, gt, inArray, isNotNull, isNull, lte, min, ne, notInArray, sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Executor } from '../db/database.ts';
import { clients, emailOutbox, stacks, subscriptions } from '../db/schema.ts';

/** A stack with an instance or data the lifecycle acts on: not deleted or being deleted, not a failed creation. */
const liveStack = and(ne(stacks.desiredState, 'deleted'), notInArray(stacks.observedState, ['deleted', 'failed']));
const hasLiveStack = sql`exists (select 1 from ${stacks} where ${stacks.clientId} = ${subscriptions.clientId} and ${liveStack})`;

const trialFields = {
  subscriptionId: subscriptions.id,
  clientId: subscriptions.clientId,
  trialEndsAt: sql<Date>`${subscriptions.trialEndsAt}`.mapWith(subscriptions.trialEndsAt),
  prenom: clients.prenom,
  entreprise: clients.entreprise,
  email: clients.email,
};

export interface TrialRow {
  subscriptionId: number;
  clientId: number;
  trialEndsAt: Date;
  prenom: string;
  entreprise: string;
  email: string;
}

/** Current trials ending in (after, until], whose client has an instance (its address, when it has one). */
export function listTrialsEnding(ex: Executor, after: Date, until: Date): Promise<(TrialRow & { instanceUrl: string | null })[]> {
  const instanceUrl = sql<string | null>`(select ${stacks.url} from ${stacks} where ${stacks.clientId} = ${subscriptions.clientId} and ${liveStack} order by ${stacks.id} limit 1)`;
  return ex.select({ ...trialFields, instanceUrl }).from(subscriptions).innerJoin(clients, eq(clients.id, subscriptions.clientId))
    .where(and(
      isNull(subscriptions.endedAt), eq(subscriptions.status, 'trialing'),
      gt(subscriptions.trialEndsAt, after), lte(subscriptions.trialEndsAt, until), hasLiveStack,
    ))
    .orderBy(subscriptions.trialEndsAt, subscriptions.id);
}

/** Current trials whose end has come. */
export async function listEndedTrialIds(ex: Executor, now: Date): Promise<number[]> {
  const rows = await ex.select({ id: subscriptions.id }).from(subscriptions)
    .where(and(isNull(subscriptions.endedAt), eq(subscriptions.status, 'trialing'), lte(subscriptions.trialEndsAt, now)))
    .orderBy(subscriptions.trialEndsAt, subscriptions.id);
  return rows.map((r) => r.id);
}

/** The next end of a current trial after `now`. */
export async function nextTrialEnd(ex: Executor, now: Date): Promise<Date | undefined> {
  const [row] = await ex.select({ at: min(subscriptions.trialEndsAt) }).from(subscriptions)
    .where(and(isNull(subscriptions.endedAt), eq(subscriptions.status, 'trialing'), gt(subscriptions.trialEndsAt, now)));
  return row?.at ?? undefined;
}

/**
 * Expires the trial if it is still a trial whose end has come: the one write that decides, so a second run (or a
 * conversion committed meanwhile) finds nothing to do.
 */
export async function expireTrial(ex: Executor, subscriptionId: number, now: Date): Promise<TrialRow | undefined> {
  const [expired] = await ex.update(subscriptions).set({ status: 'expired' })
    .where(and(
      eq(subscriptions.id, subscriptionId), isNull(subscriptions.endedAt), eq(subscriptions.status, 'trialing'),
      lte(subscriptions.trialEndsAt, now),
    ))
    .returning({ id: subscriptions.id });
  if (!expired) return undefined;
  const [row] = await ex.select(trialFields).from(subscriptions).innerJoin(clients, eq(clients.id, subscriptions.clientId))
    .where(eq(subscriptions.id, subscriptionId));
  return row;
}

export interface ExpiredStackRow extends TrialRow {
  stackId: number;
  stackName: string;
  desiredState: string;
}

/** Each live stack of a current expired trial (a client has one; the lifecycle does not assume it). */
export function listExpiredTrialStacks(ex: Executor): Promise<ExpiredStackRow[]> {
  return ex.select({ ...trialFields, stackId: stacks.id, stackName: stacks.name, desiredState: stacks.desiredState })
    .from(subscriptions)
    .innerJoin(clients, eq(clients.id, subscriptions.clientId))
    .innerJoin(stacks, and(eq(stacks.clientId, subscriptions.clientId), liveStack))
    .where(and(isNull(subscriptions.endedAt), eq(subscriptions.status, 'expired'), isNotNull(subscriptions.trialEndsAt)))
    .orderBy(subscriptions.id, stacks.id);
}

export async function countLiveStacks(ex: Executor, clientId: number): Promise<number> {
  const [row] = await ex.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(stacks).where(and(eq(stacks.clientId, clientId), liveStack));
  return row?.n ?? 0;
}

export interface LifecycleEmail {
  dedupeKey: string;
  params: Record<string, string | number | null>;
  status: string;
  sentAt: Date | null;
}

/** The lifecycle's e-mails already queued for these causes. */
export async function findEmails(ex: Executor, dedupeKeys: readonly string[]): Promise<Map<string, LifecycleEmail>> {
  if (dedupeKeys.length === 0) return new Map();
  const rows = await ex.select({ dedupeKey: emailOutbox.dedupeKey, params: emailOutbox.params, status: emailOutbox.status, sentAt: emailOutbox.sentAt })
    .from(emailOutbox).where(inArray(emailOutbox.dedupeKey, [...dedupeKeys]));
  return new Map(rows.map((r) => [r.dedupeKey, r]));
}

// Arbitrary constant shared by every process of the platform, apart from the others (727_001 migrations, 727_002
// key rotation, and the two-key locks of deployments and signups).
const LIFECYCLE_LOCK = 727_101;

/**
 * One run at a time across processes: a session advisory lock on a connection of its own, released by `release`
 * or, if the process dies, by PostgreSQL when the connection drops. Undefined when another run holds it.
 */
export async function tryLifecycleLock(pool: pg.Pool): Promise<{ release(): Promise<void> } | undefined> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [LIFECYCLE_LOCK]);
    if (!rows[0]?.locked) {
      client.release();
      return undefined;
    }
  } catch (error) {
    client.release();
    throw error;
  }
  return {
    async release() {
      try {
        await client.query('select pg_advisory_unlock($1)', [LIFECYCLE_LOCK]);
        client.release();
      } catch (error) {
        // A connection that cannot unlock is closed: its lock goes with it.
        client.release(error as Error);
      }
    },
  };
}
