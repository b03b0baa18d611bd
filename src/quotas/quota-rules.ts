// The arithmetic of plan quotas, shared by the tenant API, the 80 % e-mail and the client page:
// a plan's limit for a resource, how full it is, and where a client goes to get more.
import type { QuotaResource, SubscriptionStatus } from '../db/schema.ts';
import type { Plan } from '../plans/plan.ts';

/**
 * Storage limits are whole « Go » in the plans; an instance reports bytes. 1 Go counts as 1024³ bytes (what
 * a French operating system shows as « Go »): the rounding errs in the customer's favour.
 */
export const BYTES_PER_GB = 1024 ** 3;

/** From here on a client is warned (once) and the client page shows an amber badge. */
export const WARNING_PERCENT = 80;

/**
 * The statuses in which an instance may still grow. `past_due` keeps its rights during the payment grace;
 * `suspended`, `expired` and `cancelled` instances keep all their data but may not add users or chantiers.
 */
export const SERVING_STATUSES: readonly SubscriptionStatus[] = ['trialing', 'active', 'past_due'];

export type UsageLevel = 'ok' | 'warning' | 'exceeded';

export interface Usage {
  users: number;
  projects: number;
  storageBytes: number;
}

/** The plan's limit in the unit instances count in (storage in bytes); null = unlimited. */
export function limitOf(plan: Plan, resource: QuotaResource): number | null {
  const value = resource === 'storage' ? plan.quotas.storageGb : plan.quotas[resource];
  if (value < 0) return null;
  return resource === 'storage' ? value * BYTES_PER_GB : value;
}

export function usedOf(usage: Usage, resource: QuotaResource): number {
  return resource === 'storage' ? usage.storageBytes : usage[resource];
}

/** Integer arithmetic (used × 100 ≥ limit × 80), so 4 of 5 is exactly 80 %. A zero limit is a disabled resource, not a warning. */
export function levelOf(used: number, limit: number | null): UsageLevel {
  if (limit === null || limit === 0) return limit === 0 && used > 0 ? 'exceeded' : 'ok';
  if (used >= limit) return 'exceeded';
  return used * 100 >= limit * WARNING_PERCENT ? 'warning' : 'ok';
}

export function percentOf(used: number, limit: number | null): number | null {
  return limit === null || limit === 0 ? null : Math.floor((used * 100) / limit);
}

export function isServing(status: SubscriptionStatus): boolean {
  return SERVING_STATUSES.includes(status);
}

export type UpgradePath = { kind: 'pricing' | 'contact'; url: string };

/**
 * A plan the client can take on their own with more room for this resource → the pricing page; otherwise
 * (already on the largest plan, or only a quoted plan is bigger) → the contact form, subject « Enterprise ».
 */
export function upgradePathOf(plans: readonly Plan[], current: Plan, resource: QuotaResource, publicUrl: string): UpgradePath {
  const limit = limitOf(current, resource);
  const bigger = plans.some((p) => p.id !== current.id && p.selfService && isLarger(limitOf(p, resource), limit));
  return bigger ? { kind: 'pricing', url: `${publicUrl}/tarifs` } : { kind: 'contact', url: `${publicUrl}/contact?sujet=enterprise` };
}

function isLarger(candidate: number | null, limit: number | null): boolean {
  if (limit === null) return false;
  return candidate === null || candidate > limit;
}
