// « Déploiements » in the dashboard: what is running, what failed, what just succeeded, one deployment's
// steps and events (with the operator detail the customer never sees), and the staff retry of a failure.
import type pg from 'pg';
import type { Actor } from '../audit/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { refuseErasedClient } from '../clients/erased-client.ts';
import type { Db } from '../db/database.ts';
import type { Queue } from '../jobs/queue.ts';
import { type DeploymentStepRow, listSteps } from '../provisioning/deployment-steps.repository.ts';
import { type DeploymentEventRow, listDeploymentEvents } from '../provisioning/deployments.repository.ts';
import { retryDeployment, type RetryResult } from '../provisioning/retry-deployment.ts';
import { requirePermission } from '../staff/access.ts';
import { type DeploymentSummary, getDeploymentSummary, listDeploymentSummaries } from './deployments-board.repository.ts';

export type { DeploymentSummary } from './deployments-board.repository.ts';

export const ACTIVE_STATES = ['queued', 'running', 'compensating'] as const;
export const FINISHED_STATES = ['succeeded', 'failed', 'cancelled'] as const;

const LIMITS = { active: 100, failed: 50, succeeded: 20 };

export interface DeploymentsBoard {
  active: DeploymentSummary[];
  failed: DeploymentSummary[];
  succeeded: DeploymentSummary[];
}

export interface DeploymentDetail {
  deployment: DeploymentSummary;
  steps: DeploymentStepRow[];
  /** Events after the requested id, oldest first. */
  events: DeploymentEventRow[];
}

export function isActive(state: string): boolean {
  return (ACTIVE_STATES as readonly string[]).includes(state);
}

export function createDeploymentsBoardService(deps: { db: Db; pool: pg.Pool; queue: Pick<Queue, 'send'> }) {
  async function board(actor: Actor): Promise<DeploymentsBoard> {
    requirePermission(actor, 'dashboard:read');
    const [active, failed, succeeded] = await Promise.all([
      listDeploymentSummaries(deps.db, { states: ACTIVE_STATES, limit: LIMITS.active }),
      listDeploymentSummaries(deps.db, { states: ['failed'], limit: LIMITS.failed, byFinish: true }),
      listDeploymentSummaries(deps.db, { states: ['succeeded'], limit: LIMITS.succeeded, byFinish: true }),
    ]);
    return { active, failed, succeeded };
  }

  /** The deployment, its steps, and its events after `afterEventId` (all of them by default); the live stream reads it again at each event. */
  async function detail(actor: Actor, id: number, afterEventId = 0): Promise<DeploymentDetail | undefined> {
    requirePermission(actor, 'dashboard:read');
    const deployment = await getDeploymentSummary(deps.db, id);
    if (!deployment) return undefined;
    const [steps, events] = await Promise.all([listSteps(deps.db, id), listDeploymentEvents(deps.db, id, afterEventId)]);
    return { deployment, steps, events };
  }

  /**
   * Retries a failed deployment. The audit row is written once the retry committed: `retryDeployment` owns its
   * transaction (provisioning/), so the two are not atomic; a crash in between loses the audit row, never the retry.
   * For a client whose data was erased (RGPD), only a deletion is retried (it finishes the erasure); anything else
   * would bring an instance back: ConflictError `client-erased`.
   */
  async function retry(actor: Actor, id: number): Promise<RetryResult> {
    requirePermission(actor, 'instances:operate');
    const deployment = await getDeploymentSummary(deps.db, id);
    if (!deployment) return 'not-found';
    if (deployment.kind !== 'delete') await refuseErasedClient(deps.db, deployment.clientId);
    const result = await retryDeployment(deps.pool, deps.queue, id);
    if (result === 'queued') {
      await recordAudit(deps.db, actor, {
        action: 'deployment.retried',
        target: { type: 'deployment', id },
        clientId: deployment.clientId,
        details: { kind: deployment.kind, stack: deployment.stackName, failedStep: deployment.failedStep, error: deployment.error?.slice(0, 500) ?? null },
      });
    }
    return result;
  }

  return { board, detail, retry };
}

export type DeploymentsBoardService = ReturnType<typeof createDeploymentsBoardService>;
