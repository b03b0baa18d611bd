// What staff do from a client's page. Each action checks the role first, writes its audit entry
// with the change, and says what happened in words the page can show. Nothing acts on a client whose personal data
// was erased (RGPD): each action throws a ConflictError `client-erased` (clients/erased-client.ts) and changes nothing.
import type { Actor } from '../audit/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { refuseErasedClient } from '../clients/erased-client.ts';
import type { Db } from '../db/database.ts';
import type { StackRow } from '../provisioning/stacks.repository.ts';
import { requestStackOperation, type RequestOutcome, type StackOperation } from '../provisioning/stack-operations.ts';
import { readStackSecret } from '../provisioning/stack-secrets.ts';
import { initialUsername } from '../provisioning/stack-variables.ts';
import type { Queue } from '../jobs/queue.ts';
import type { AccountsService, StaffActor } from '../staff/accounts.service.ts';
import { requirePermission } from '../staff/access.ts';
import type { SubscriptionChanges } from '../subscriptions/subscription-changes.service.ts';
import type { Cipher } from '../vault/cipher.ts';
import { getClientRecord } from './client-record.repository.ts';
import type pg from 'pg';

export type ActionResult =
  | { ok: true; notice: string; deploymentId?: number }
  | { ok: false; error: string; params?: Record<string, string | number> };

export interface RevealedCredentials {
  url: string | null;
  username: string;
  password: string;
}

export interface ClientActionsDeps {
  pool: pg.Pool;
  db: Db;
  queue: Pick<Queue, 'send'>;
  cipher: Cipher;
  subscriptions: SubscriptionChanges;
  accounts: Pick<AccountsService, 'confirmPassword'>;
}

const OPERATION_NOTICE: Record<StackOperation, string> = { suspend: 'suspendQueued', resume: 'resumeQueued', redeploy: 'redeployQueued', delete: 'deleteQueued' };

export function createClientActions(deps: ClientActionsDeps) {
  async function stackOf(clientId: number): Promise<StackRow | undefined> {
    return (await getClientRecord(deps.db, clientId))?.stack;
  }

  /**
   * Queues the operation on the client's stack, audited in the same transaction, which checks again, the client's row
   * locked, that no erasure came in between (it would roll the operation back).
   */
  async function operateStack(actor: Actor, clientId: number, stack: StackRow, kind: StackOperation): Promise<ActionResult> {
    const outcome = await requestStackOperation(deps.pool, deps.queue, stack.id, kind, async (tx, deploymentId) => {
      await refuseErasedClient(tx, clientId, { lock: true });
      await recordAudit(tx, actor, { action: `stack.${kind}Requested`, target: { type: 'stack', id: stack.name }, clientId, details: { deployment: deploymentId } });
    });
    return describeOutcome(outcome, OPERATION_NOTICE[kind]);
  }

  async function operate(actor: Actor, clientId: number, kind: 'suspend' | 'resume' | 'redeploy'): Promise<ActionResult> {
    requirePermission(actor, 'instances:operate');
    await refuseErasedClient(deps.db, clientId);
    const stack = await stackOf(clientId);
    if (!stack) return { ok: false, error: 'noInstance' };
    return operateStack(actor, clientId, stack, kind);
  }

  /** Deleting an instance destroys its data: the person types the instance's name to confirm. */
  async function remove(actor: Actor, clientId: number, confirmation: string): Promise<ActionResult> {
    requirePermission(actor, 'subscriptions:manage');
    await refuseErasedClient(deps.db, clientId);
    const stack = await stackOf(clientId);
    if (!stack) return { ok: false, error: 'noInstance' };
    if (confirmation.trim() !== stack.name) return { ok: false, error: 'confirmationMismatch', params: { name: stack.name } };
    return operateStack(actor, clientId, stack, 'delete');
  }

  async function extendTrial(actor: Actor, clientId: number, days: number): Promise<ActionResult> {
    const result = await deps.subscriptions.extendTrial(actor, clientId, days);
    if (result.status !== 'done') return refused(result);
    // A trial brought back from expiry gets its instance back.
    const stack = await stackOf(clientId);
    if (stack?.desiredState === 'stopped' && stack.observedState === 'stopped') await operateStack(actor, clientId, stack, 'resume');
    return { ok: true, notice: 'trialExtended' };
  }

  async function changePlan(actor: Actor, clientId: number, plan: string): Promise<ActionResult> {
    const result = await deps.subscriptions.changePlan(actor, clientId, plan);
    if (result.status !== 'done') return refused(result);
    // The new plan's quotas and container limits reach the instance with its next definition.
    const stack = await stackOf(clientId);
    if (stack?.desiredState === 'running' && ['running', 'degraded', 'down'].includes(stack.observedState)) await operateStack(actor, clientId, stack, 'redeploy');
    else if (stack?.desiredState === 'stopped' && result.subscription.status === 'active') await operateStack(actor, clientId, stack, 'resume');
    return { ok: true, notice: 'planChanged' };
  }

  async function cancel(actor: Actor, clientId: number): Promise<ActionResult> {
    const result = await deps.subscriptions.cancel(actor, clientId);
    if (result.status !== 'done') return refused(result);
    const stack = await stackOf(clientId);
    if (stack && stack.desiredState === 'running') await operateStack(actor, clientId, stack, 'suspend');
    return { ok: true, notice: 'cancelled' };
  }

  /** The instance's initial credentials, for the person who asked again for their own password; audited either way. */
  async function revealCredentials(actor: StaffActor, clientId: number, password: string): Promise<RevealedCredentials | 'wrong-password' | 'none'> {
    requirePermission(actor, 'credentials:reveal');
    await refuseErasedClient(deps.db, clientId);
    const record = await getClientRecord(deps.db, clientId);
    if (!record?.stack || record.stack.observedState === 'deleted') return 'none';
    const target = { type: 'stack', id: record.stack.name };
    if (!(await deps.accounts.confirmPassword(actor, password))) {
      await recordAudit(deps.db, actor, { action: 'credentials.revealRefused', target, clientId });
      return 'wrong-password';
    }
    const secret = await readStackSecret(deps.db, deps.cipher, record.stack.id, 'initial_password').catch(() => undefined);
    if (secret === undefined) return 'none';
    await recordAudit(deps.db, actor, { action: 'credentials.revealed', target, clientId, details: { kind: 'initial_password' } });
    return { url: record.stack.url, username: initialUsername(record.client.prenom), password: secret };
  }

  return { operate, remove, extendTrial, changePlan, cancel, revealCredentials };
}

export type ClientActions = ReturnType<typeof createClientActions>;

function describeOutcome(outcome: RequestOutcome, notice: string): ActionResult {
  switch (outcome.status) {
    case 'queued': return { ok: true, notice, deploymentId: outcome.deploymentId };
    case 'busy': return { ok: false, error: 'busy', params: { id: outcome.deploymentId } };
    case 'invalid-state': return { ok: false, error: 'invalidState' };
    case 'not-found': return { ok: false, error: 'noInstance' };
  }
}

function refused(result: { status: 'not-found' } | { status: 'refused'; reason: string }): ActionResult {
  return { ok: false, error: result.status === 'not-found' ? 'noSubscription' : result.reason };
}
