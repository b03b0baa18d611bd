// PATCH /api/v1/subscriptions/{id}: the dashboard's subscription changes, for the API. One change per request: a
// plan (a paid plan converts a trial; the instance is redeployed with the new limits, or resumed), days added to a
// trial (an expired trial's instance is resumed), or a cancellation (the instance is suspended, its data kept). The
// changes and what follows on the instance are the dashboard's own (backoffice/client-actions.service.ts).
import type { Actor } from '../audit/actor.ts';
import type { ActionResult, ClientActions } from '../backoffice/client-actions.service.ts';
import type { Db } from '../db/database.ts';
import { AppError, ConflictError, ForbiddenError, ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { requireScope } from '../staff/access.ts';
import { MAX_TRIAL_EXTENSION_DAYS } from '../subscriptions/subscription-changes.service.ts';
import { findSubscription, type SubscriptionRow } from '../subscriptions/subscriptions.repository.ts';
import { liveClient } from './client-errors.ts';

/** The body: exactly one of these (its schema says so). */
export interface SubscriptionPatch {
  plan?: string;
  extendTrialDays?: number;
  status?: 'cancelled';
}

export type SubscriptionChange = { kind: 'plan'; plan: string } | { kind: 'extendTrial'; days: number } | { kind: 'cancel' };

export function parseSubscriptionPatch(body: SubscriptionPatch): SubscriptionChange {
  if (body.plan !== undefined) return { kind: 'plan', plan: body.plan };
  if (body.extendTrialDays !== undefined) return { kind: 'extendTrial', days: body.extendTrialDays };
  return { kind: 'cancel' };
}

function subscriptionNotFound(id: number): AppError {
  return new AppError(404, 'subscription-not-found', t('api.error.subscriptionNotFound', { id }));
}

/** What a refused change means for the caller. */
function refusal(error: string, subscription: SubscriptionRow, change: SubscriptionChange): AppError {
  const { id } = subscription;
  switch (error) {
    case 'notTrial': return new ConflictError('not-trialing', t('api.error.notTrialing', { id }));
    case 'samePlan': return new ConflictError('same-plan', t('api.error.samePlan', { id, plan: subscription.plan }));
    case 'alreadyCancelled': return new ConflictError('already-cancelled', t('api.error.alreadyCancelled', { id }));
    case 'unknownPlan': {
      const message = t('api.error.unknownPlan', { plan: change.kind === 'plan' ? change.plan : '' });
      return new ValidationError('unknown-plan', message, [{ field: 'plan', message }]);
    }
    case 'badDays': {
      const message = t('api.error.extensionDays', { max: MAX_TRIAL_EXTENSION_DAYS });
      return new ValidationError('validation-failed', message, [{ field: 'extendTrialDays', message }]);
    }
    // `noSubscription`: it ended since it was read.
    default: return new ConflictError('subscription-ended', t('api.error.subscriptionEnded', { id }));
  }
}

export function createClientSubscriptions(deps: { db: Db; actions: Pick<ClientActions, 'changePlan' | 'extendTrial' | 'cancel'> }) {
  /**
   * Extending a trial may resume the instance: the dashboard lets whoever operates instances do it, and the API asks
   * the same of a key (stacks:write) on top of the route's clients:write.
   */
  function requireExtensionScope(actor: Actor): void {
    try {
      requireScope(actor, 'stacks:write');
    } catch (error) {
      if (error instanceof ForbiddenError) throw new AppError(403, 'insufficient-scope', t('api.error.extendTrialScope'));
      throw error;
    }
  }

  async function apply(actor: Actor, clientId: number, change: SubscriptionChange): Promise<ActionResult> {
    switch (change.kind) {
      case 'plan': return deps.actions.changePlan(actor, clientId, change.plan);
      case 'extendTrial': return deps.actions.extendTrial(actor, clientId, change.days);
      case 'cancel': return deps.actions.cancel(actor, clientId);
    }
  }

  /** Applies the change to the client's current subscription; answers the subscription as it is now. */
  async function change(actor: Actor, id: number, body: SubscriptionPatch): Promise<SubscriptionRow> {
    requireScope(actor, 'clients:write');
    const change = parseSubscriptionPatch(body);
    if (change.kind === 'extendTrial') requireExtensionScope(actor);
    const subscription = await findSubscription(deps.db, id);
    if (!subscription) throw subscriptionNotFound(id);
    await liveClient(deps.db, subscription.clientId);
    if (subscription.endedAt) throw new ConflictError('subscription-ended', t('api.error.subscriptionEnded', { id }));
    const result = await apply(actor, subscription.clientId, change);
    if (!result.ok) throw refusal(result.error, subscription, change);
    return (await findSubscription(deps.db, id))!;
  }

  return { change };
}

export type ClientSubscriptions = ReturnType<typeof createClientSubscriptions>;
