// Staff (and later the API) change a subscription: extend a trial, change the plan, cancel.
// Each change is one transaction with its audit entry; the instance follows through a stack
// operation the caller queues after the commit (resume, redeploy with the new plan's limits, suspend).
// A client whose personal data was erased (RGPD) is refused: ConflictError `client-erased`, nothing changed.
import type pg from 'pg';
import type { Actor } from '../audit/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import type { SubscriptionStatus } from '../db/schema.ts';
import { withTransaction } from '../db/transaction.ts';
import type { Plan } from '../plans/plan.ts';
import { findPlan } from '../plans/plans.ts';
import { refuseErasedClient } from '../clients/erased-client.ts';
import { requirePermission } from '../staff/access.ts';
import { lockCurrentSubscription, type SubscriptionRow, updateSubscription } from './subscriptions.repository.ts';

const DAY_MS = 86_400_000;
export const MAX_TRIAL_EXTENSION_DAYS = 90;

export type ChangeResult = { status: 'done'; subscription: SubscriptionRow } | { status: 'not-found' } | { status: 'refused'; reason: 'notTrial' | 'badDays' | 'unknownPlan' | 'samePlan' | 'alreadyCancelled' };

export function createSubscriptionChanges(deps: { pool: pg.Pool; plans: readonly Plan[]; now: () => Date }) {
  async function change(clientId: number, apply: (sub: SubscriptionRow, tx: Db) => Promise<ChangeResult>): Promise<ChangeResult> {
    return withTransaction(deps.pool, async ({ tx }) => {
      // The client first, as an erasure locks it (then ends the subscription): one waits for the other.
      await refuseErasedClient(tx, clientId, { lock: true });
      const subscription = await lockCurrentSubscription(tx, clientId);
      if (!subscription) return { status: 'not-found' };
      return apply(subscription, tx);
    });
  }

  /** Adds days to a trial (from its end, or from today if it already ended); an expired trial becomes a trial again. */
  async function extendTrial(actor: Actor, clientId: number, days: number): Promise<ChangeResult> {
    requirePermission(actor, 'instances:operate');
    if (!Number.isInteger(days) || days < 1 || days > MAX_TRIAL_EXTENSION_DAYS) return { status: 'refused', reason: 'badDays' };
    return change(clientId, async (sub, tx) => {
      if (sub.status !== 'trialing' && sub.status !== 'expired') return { status: 'refused', reason: 'notTrial' };
      const from = Math.max(deps.now().getTime(), sub.trialEndsAt?.getTime() ?? 0);
      const trialEndsAt = new Date(from + days * DAY_MS);
      await updateSubscription(tx, sub.id, { trialEndsAt, status: 'trialing' });
      await recordAudit(tx, actor, { action: 'subscription.trialExtended', target: { type: 'subscription', id: sub.id }, clientId, details: { days, from: sub.trialEndsAt?.toISOString() ?? null, to: trialEndsAt.toISOString() } });
      return { status: 'done', subscription: { ...sub, trialEndsAt, status: 'trialing' } };
    });
  }

  /** A paid plan ends the trial (a conversion); back to « essai » keeps the current status. */
  async function changePlan(actor: Actor, clientId: number, planId: string): Promise<ChangeResult> {
    requirePermission(actor, 'subscriptions:manage');
    const plan = findPlan(deps.plans, planId);
    if (!plan) return { status: 'refused', reason: 'unknownPlan' };
    return change(clientId, async (sub, tx) => {
      if (sub.plan === plan.id) return { status: 'refused', reason: 'samePlan' };
      const paid = plan.monthlyPrice !== 0;
      const status: SubscriptionStatus = paid && ['trialing', 'expired', 'suspended'].includes(sub.status) ? 'active' : sub.status;
      const patch = {
        plan: plan.id, status, priceCents: plan.monthlyPrice === null ? null : Math.round(plan.monthlyPrice * 100),
        convertedAt: status === 'active' && sub.status !== 'active' ? (sub.convertedAt ?? deps.now()) : sub.convertedAt,
      };
      await updateSubscription(tx, sub.id, patch);
      await recordAudit(tx, actor, { action: 'subscription.planChanged', target: { type: 'subscription', id: sub.id }, clientId, details: { from: sub.plan, to: plan.id, status } });
      return { status: 'done', subscription: { ...sub, ...patch } };
    });
  }

  /** The subscription ends its service: the instance is suspended, its data kept. */
  async function cancel(actor: Actor, clientId: number): Promise<ChangeResult> {
    requirePermission(actor, 'subscriptions:manage');
    return change(clientId, async (sub, tx) => {
      if (sub.status === 'cancelled') return { status: 'refused', reason: 'alreadyCancelled' };
      await updateSubscription(tx, sub.id, { status: 'cancelled' });
      await recordAudit(tx, actor, { action: 'subscription.cancelled', target: { type: 'subscription', id: sub.id }, clientId, details: { previous: sub.status } });
      return { status: 'done', subscription: { ...sub, status: 'cancelled' } };
    });
  }

  return { extendTrial, changePlan, cancel };
}

export type SubscriptionChanges = ReturnType<typeof createSubscriptionChanges>;

