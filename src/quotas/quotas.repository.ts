// Quotas in the database: who an instance is (by its token's hash), the usage it reports (kept as
// history) and the warnings already sent.
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { clients, type QuotaResource, quotaWarnings, stacks, subscriptions, usageSamples } from '../db/schema.ts';

export type UsageSample = typeof usageSamples.$inferSelect;

/** The stack holding this token hash, its client and the client's current subscription. */
export async function getTenantByTokenHash(ex: Executor, tokenHash: string) {
  const [row] = await ex.select({
    stackId: stacks.id,
    stackName: stacks.name,
    clientId: clients.id,
    email: clients.email,
    prenom: clients.prenom,
    entreprise: clients.entreprise,
    subscriptionId: subscriptions.id,
    status: subscriptions.status,
    trialEndsAt: subscriptions.trialEndsAt,
    plan: subscriptions.plan,
  }).from(stacks)
    .innerJoin(clients, eq(clients.id, stacks.clientId))
    .innerJoin(subscriptions, and(eq(subscriptions.clientId, stacks.clientId), isNull(subscriptions.endedAt)))
    .where(eq(stacks.tenantTokenHash, tokenHash));
  return row;
}

export type TenantRow = NonNullable<Awaited<ReturnType<typeof getTenantByTokenHash>>>;

export async function getLatestUsageSample(ex: Executor, stackId: number): Promise<UsageSample | undefined> {
  const [row] = await ex.select().from(usageSamples).where(eq(usageSamples.stackId, stackId)).orderBy(desc(usageSamples.id)).limit(1);
  return row;
}

export async function createUsageSample(ex: Executor, sample: { stackId: number; users: number; projects: number; storageBytes: number; reportedAt: Date }): Promise<void> {
  await ex.insert(usageSamples).values(sample);
}

/** Newest first. */
export function listUsageSamples(ex: Executor, stackId: number, limit: number): Promise<UsageSample[]> {
  return ex.select().from(usageSamples).where(eq(usageSamples.stackId, stackId)).orderBy(desc(usageSamples.id)).limit(limit);
}

/** Records that this subscription was warned for this plan and resource; false if it already was. */
export async function createQuotaWarning(ex: Executor, warning: { subscriptionId: number; plan: string; resource: QuotaResource; warnedAt: Date }): Promise<boolean> {
  const inserted = await ex.insert(quotaWarnings).values(warning).onConflictDoNothing().returning({ resource: quotaWarnings.resource });
  return inserted.length > 0;
}
