// Plan quotas seen from an instance (DESIGN §8): « may I create one more? » and « here is my usage ».
// Answers always come from the current subscription's plan, read at each call: a plan change applies
// to the next check at once, without waiting for the instance's redeploy.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import { quotaResources, type QuotaResource } from '../db/schema.ts';
import { type Transaction, withTransaction } from '../db/transaction.ts';
import type { QueueEmail } from '../mail/outbox.ts';
import type { Plan } from '../plans/plan.ts';
import { findPlan } from '../plans/plans.ts';
import { hashBearerToken } from '../vault/bearer-token.ts';
import { answerMessage } from './quota-messages.ts';
import { isServing, levelOf, limitOf, type Usage, upgradePathOf, usedOf } from './quota-rules.ts';
import { createQuotaWarning, createUsageSample, getLatestUsageSample, getTenantByTokenHash, type TenantRow } from './quotas.repository.ts';

/**
 * An identical report within this window is not stored again: instances report at boot and hourly, so a
 * repeat within the hour is a restart (or a crash loop) and adds no information, only rows. A changed
 * figure is always stored, and an unchanged one at least hourly, so the history still shows the instance alive.
 */
const DUPLICATE_WINDOW_MS = 60 * 60_000;

/** The instance calling, as its token identifies it. */
export type TenantStack = TenantRow;

export interface QuotaAnswer {
  resource: QuotaResource;
  allowed: boolean;
  used: number;
  /** null = unlimited. */
  limit: number | null;
  /** null = unlimited; 0 once the limit is reached or the subscription no longer serves. */
  remaining: number | null;
  reason: 'within-limit' | 'unlimited' | 'limit-reached' | 'subscription-inactive' | 'unknown-plan';
  /** French, shown as-is by the ERP. */
  message: string | null;
  plan: string;
  planName: string;
}

export interface QuotasDeps {
  pool: pg.Pool;
  db: Db;
  plans: readonly Plan[];
  queueEmail: QueueEmail;
  publicUrl: string;
  log: Logger;
  now?: () => Date;
  /** Staff are alerted while an instance is over a limit of its plan (one alert per stack and resource). */
  alerts: QuotaAlerts;
}

export interface QuotaAlerts {
  open(input: { kind: 'quota_exceeded'; key: string; params: Record<string, string | number>; clientId: number; stackId: number }): Promise<unknown>;
  resolve(key: string): Promise<unknown>;
}

export function createQuotasService(deps: QuotasDeps) {
  const now = deps.now ?? (() => new Date());
  const renewalUrl = `${deps.publicUrl}/tarifs`;

  /** The instance holding this TENANT_TOKEN, with its client's current subscription; undefined for an unknown token. */
  async function authenticate(token: string): Promise<TenantStack | undefined> {
    const row = await getTenantByTokenHash(deps.db, hashBearerToken(token));
    if (!row) return undefined;
    // As GET /subscription tells the instance: a trial past its end is expired before the lifecycle's run records it.
    const ended = row.status === 'trialing' && row.trialEndsAt !== null && row.trialEndsAt.getTime() <= now().getTime();
    return ended ? { ...row, status: 'expired' } : row;
  }

  function planOf(tenant: TenantStack): Plan | undefined {
    const plan = findPlan(deps.plans, tenant.plan);
    if (!plan) deps.log.warn({ stackId: tenant.stackId, plan: tenant.plan }, 'subscription plan not in the catalogue: quotas not enforced');
    return plan;
  }

  /** `current` is the count before the creation asked for (bytes for storage). */
  function checkQuota(tenant: TenantStack, resource: QuotaResource, current: number): QuotaAnswer {
    const plan = planOf(tenant);
    // A plan missing from the catalogue is our configuration error: the customer keeps working.
    if (!plan) return { resource, allowed: true, used: current, limit: null, remaining: null, reason: 'unknown-plan', message: null, plan: tenant.plan, planName: tenant.plan };
    const limit = limitOf(plan, resource);
    const serving = isServing(tenant.status);
    const allowed = serving && (limit === null || current < limit);
    const reason = !serving ? 'subscription-inactive' : limit === null ? 'unlimited' : allowed ? 'within-limit' : 'limit-reached';
    const remaining = limit === null ? null : serving ? Math.max(0, limit - current) : 0;
    const message = answerMessage({
      resource, planName: plan.name, used: current, limit, allowed, status: tenant.status, serving,
      upgrade: upgradePathOf(deps.plans, plan, resource, deps.publicUrl), renewalUrl,
    });
    return { resource, allowed, used: current, limit, remaining, reason, message, plan: plan.id, planName: plan.name };
  }

  /** Stores the report (see DUPLICATE_WINDOW_MS) and queues the 80 % e-mail for each resource newly past it. */
  async function recordUsage(tenant: TenantStack, usage: Usage): Promise<{ stored: boolean; warned: QuotaResource[] }> {
    const at = now();
    return withTransaction(deps.pool, async (transaction) => {
      const last = await getLatestUsageSample(transaction.tx, tenant.stackId);
      const duplicate = last !== undefined && at.getTime() - last.reportedAt.getTime() < DUPLICATE_WINDOW_MS
        && last.users === usage.users && last.projects === usage.projects && last.storageBytes === usage.storageBytes;
      if (!duplicate) await createUsageSample(transaction.tx, { stackId: tenant.stackId, ...usage, reportedAt: at });
      // Evaluated even for a duplicate: the plan may have changed since the last report.
      const warned = await warnIfNeeded(transaction, tenant, usage, at);
      return { stored: !duplicate, warned };
    }).then(async (result) => {
      await followExceeded(tenant, usage);
      return result;
    });
  }

  /** Over a limit: an alert for staff (opening it again is a no-op); back under it, or no longer serving: resolved. */
  async function followExceeded(tenant: TenantStack, usage: Usage): Promise<void> {
    const plan = planOf(tenant);
    for (const resource of quotaResources) {
      const key = `quota_exceeded:stack:${tenant.stackId}:${resource}`;
      const limit = plan ? limitOf(plan, resource) : null;
      const used = usedOf(usage, resource);
      if (plan && isServing(tenant.status) && levelOf(used, limit) === 'exceeded') {
        await deps.alerts.open({
          kind: 'quota_exceeded', key, clientId: tenant.clientId, stackId: tenant.stackId,
          params: { company: tenant.entreprise, stack: tenant.stackName, resource, used, limit: limit ?? 0, plan: plan.name },
        });
      } else {
        await deps.alerts.resolve(key);
      }
    }
  }

  /**
   * One e-mail per subscription, plan and resource, ever: the quota_warnings row and the outbox row are written
   * in one transaction, so a report repeated (or raced) never sends twice, and a new plan warns again only once
   * its own 80 % is crossed. A subscription that no longer serves gets renewal e-mails, not quota ones.
   */
  async function warnIfNeeded(transaction: Transaction, tenant: TenantStack, usage: Usage, at: Date): Promise<QuotaResource[]> {
    const plan = planOf(tenant);
    if (!plan || !isServing(tenant.status)) return [];
    const warned: QuotaResource[] = [];
    for (const resource of quotaResources) {
      const limit = limitOf(plan, resource);
      const used = usedOf(usage, resource);
      if (limit === null || limit === 0 || levelOf(used, limit) === 'ok') continue;
      if (!(await createQuotaWarning(transaction.tx, { subscriptionId: tenant.subscriptionId, plan: plan.id, resource, warnedAt: at }))) continue;
      const upgrade = upgradePathOf(deps.plans, plan, resource, deps.publicUrl);
      await deps.queueEmail(transaction, {
        template: 'quota-warning',
        to: [tenant.email],
        params: {
          prenom: tenant.prenom, entreprise: tenant.entreprise, planName: plan.name, resource, used, limit,
          upgradeKind: upgrade.kind, upgradeUrl: upgrade.url,
        },
        dedupeKey: `quota-warning:subscription:${tenant.subscriptionId}:${plan.id}:${resource}`,
        clientId: tenant.clientId,
      });
      deps.log.info({ stackId: tenant.stackId, subscriptionId: tenant.subscriptionId, plan: plan.id, resource, used, limit }, 'quota warning queued');
      warned.push(resource);
    }
    return warned;
  }

  return { authenticate, checkQuota, recordUsage };
}

export type QuotasService = ReturnType<typeof createQuotasService>;
