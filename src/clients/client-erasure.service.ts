// DELETE /api/v1/clients/{id}: the RGPD right to erasure. Each of the client's instances is deleted by the usual
// delete deployment (the orchestrator removes it and its data, its secrets are erased), and the client's personal
// data is anonymised at once, everywhere (client-erasure.repository.ts). The client and subscription rows stay,
// anonymised, for accounting (plans, prices, dates), with the time of the erasure. Erasing again changes nothing
// more: it answers the same, and finishes what a first attempt could not (a delete deployment that failed is asked again).
import type pg from 'pg';
import type { Actor } from '../audit/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { type DeploymentSummary, getDeploymentSummary } from '../backoffice/deployments-board.repository.ts';
import type { Db } from '../db/database.ts';
import { withTransaction } from '../db/transaction.ts';
import { ConflictError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Queue } from '../jobs/queue.ts';
import { type DeploymentStepRow, listSteps } from '../provisioning/deployment-steps.repository.ts';
import { requestStackOperation } from '../provisioning/stack-operations.ts';
import type { StackRow } from '../provisioning/stacks.repository.ts';
import { requireScope } from '../staff/access.ts';
import { anonymiseClient, erasedEmail, latestDeletions } from './client-erasure.repository.ts';
import { clientNotFound } from './client-errors.ts';
import { type ClientRow, findClient, knownAddresses, listClientStacks } from './clients.repository.ts';

/** Deployment states with work still to do. */
const UNFINISHED: readonly string[] = ['queued', 'running', 'compensating'];

export interface ClientErasure {
  clientId: number;
  erasedAt: Date;
  /** The latest delete deployment of each of the client's instances. */
  deployments: { summary: DeploymentSummary; steps: DeploymentStepRow[] }[];
  /** The first of them still at work, if any: the instance is still being deleted. */
  inProgress: number | null;
}

export function createClientErasure(deps: { db: Db; pool: pg.Pool; queue: Pick<Queue, 'send'>; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());

  /**
   * Asks for the stack's deletion, audited in its transaction. A delete already under way will do; another operation
   * under way (a creation, a redeploy) must finish first: 409, and nothing is erased yet.
   */
  async function deleteStack(actor: Actor, stack: StackRow): Promise<void> {
    const outcome = await requestStackOperation(deps.pool, deps.queue, stack.id, 'delete', (tx, deploymentId) =>
      recordAudit(tx, actor, { action: 'stack.deleteRequested', target: { type: 'stack', id: stack.name }, clientId: stack.clientId, details: { deployment: deploymentId, erasure: true } }));
    if (outcome.status !== 'busy') return; // queued, or deleted in the meantime
    if ((await getDeploymentSummary(deps.db, outcome.deploymentId))?.kind === 'delete') return;
    throw new ConflictError('operation-in-progress', t('api.error.busy', { name: stack.name, id: outcome.deploymentId }));
  }

  /** One transaction: the data anonymised and the audit entry, which names the client by its id alone. */
  async function anonymise(actor: Actor, client: ClientRow, at: Date): Promise<Date> {
    return withTransaction(deps.pool, async ({ tx }) => {
      const locked = (await findClient(tx, client.id, { lock: true }))!;
      // A concurrent erasure came first.
      if (locked.erasedAt) return locked.erasedAt;
      await anonymiseClient(tx, {
        clientId: client.id, addresses: await knownAddresses(tx, locked), at,
        placeholderEmail: erasedEmail(client.id), placeholderCompany: t('clients.erased.company', { id: client.id }), emailCancelled: t('clients.erased.emailCancelled'),
      });
      await recordAudit(tx, actor, { action: 'client.erased', target: { type: 'client', id: client.id }, clientId: client.id });
      return at;
    });
  }

  /** `at`: the instant recorded as the erasure's (the caller's clock: the lifecycle run's). */
  async function erase(actor: Actor, clientId: number, at = now()): Promise<ClientErasure> {
    requireScope(actor, 'clients:write');
    const client = await findClient(deps.db, clientId);
    if (!client) throw clientNotFound(clientId);
    for (const stack of await listClientStacks(deps.db, clientId)) {
      if (stack.observedState !== 'deleted') await deleteStack(actor, stack);
    }
    const erasedAt = client.erasedAt ?? (await anonymise(actor, client, at));
    const deployments = [];
    for (const id of await latestDeletions(deps.db, clientId)) {
      deployments.push({ summary: (await getDeploymentSummary(deps.db, id))!, steps: await listSteps(deps.db, id) });
    }
    const unfinished = deployments.find((d) => UNFINISHED.includes(d.summary.state));
    return { clientId, erasedAt, deployments, inProgress: unfinished?.summary.id ?? null };
  }

  return { erase };
}

export type ClientErasureService = ReturnType<typeof createClientErasure>;
