// What an ERP instance learns about its own subscription through the tenant API.
import type { Db } from '../db/database.ts';
import type { Plan } from '../plans/plan.ts';
import { findPlan } from '../plans/plans.ts';
import { hashBearerToken } from '../vault/bearer-token.ts';
import { getSubscriptionByTenantTokenHash } from './subscriptions.repository.ts';

const DAY_MS = 86_400_000;

export interface TenantSubscription {
  status: string;
  plan: string;
  planName: string;
  trialEndsAt: string | null;
  daysLeft: number | null;
  renewalUrl: string;
}

export function createTenantSubscriptionService(deps: { db: Db; plans: readonly Plan[]; publicUrl: string; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  async function getTenantSubscription(tenantToken: string): Promise<TenantSubscription | undefined> {
    const row = await getSubscriptionByTenantTokenHash(deps.db, hashBearerToken(tenantToken));
    if (!row) return undefined;
    // A trial whose end has come is expired for the instance even before the lifecycle's run records it.
    const ended = row.status === 'trialing' && row.trialEndsAt !== null && row.trialEndsAt.getTime() <= now().getTime();
    const trialing = row.status === 'trialing' && row.trialEndsAt && !ended;
    return {
      status: ended ? 'expired' : row.status,
      plan: row.plan,
      planName: findPlan(deps.plans, row.plan)?.name ?? row.plan,
      trialEndsAt: row.trialEndsAt?.toISOString() ?? null,
      daysLeft: trialing ? Math.max(0, Math.ceil((row.trialEndsAt!.getTime() - now().getTime()) / DAY_MS)) : null,
      renewalUrl: `${deps.publicUrl}/tarifs`,
    };
  }
  return { getTenantSubscription };
}

export type TenantSubscriptionService = ReturnType<typeof createTenantSubscriptionService>;
