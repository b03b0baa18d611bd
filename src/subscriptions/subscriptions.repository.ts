import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { stacks, subscriptions } from '../db/schema.ts';

export type NewSubscription = typeof subscriptions.$inferInsert;

export async function createSubscription(ex: Executor, data: NewSubscription): Promise<number> {
  const [row] = await ex.insert(subscriptions).values(data).returning({ id: subscriptions.id });
  return row!.id;
}

/** A trial stays a trial until it ends or is converted; a subscription past due becomes active. */
export async function activateSubscription(ex: Executor, id: number): Promise<void> {
  await ex.update(subscriptions).set({ status: sql`case when ${subscriptions.status} = 'past_due' then 'active' else ${subscriptions.status} end` })
    .where(eq(subscriptions.id, id));
}

/** The current subscription of the stack holding this tenant token hash. */
export async function getSubscriptionByTenantTokenHash(ex: Executor, tokenHash: string) {
  const [row] = await ex
    .select({ status: subscriptions.status, plan: subscriptions.plan, trialEndsAt: subscriptions.trialEndsAt })
    .from(stacks)
    .innerJoin(subscriptions, and(eq(subscriptions.clientId, stacks.clientId), isNull(subscriptions.endedAt)))
    .where(eq(stacks.tenantTokenHash, tokenHash));
  return row;
}

export type SubscriptionRow = typeof subscriptions.$inferSelect;

/** The client's current subscription, locked until the end of the transaction. */
export async function findSubscription(ex: Executor, id: number): Promise<SubscriptionRow | undefined> {
  const [row] = await ex.select().from(subscriptions).where(eq(subscriptions.id, id));
  return row;
}

export async function lockCurrentSubscription(ex: Executor, clientId: number): Promise<SubscriptionRow | undefined> {
  const [row] = await ex.select().from(subscriptions)
    .where(and(eq(subscriptions.clientId, clientId), isNull(subscriptions.endedAt))).for('update');
  return row;
}

export async function updateSubscription(ex: Executor, id: number, patch: Partial<Omit<NewSubscription, 'id' | 'clientId'>>): Promise<void> {
  await ex.update(subscriptions).set(patch).where(eq(subscriptions.id, id));
}
