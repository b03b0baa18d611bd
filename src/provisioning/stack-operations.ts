// Operations on an existing stack (the dashboard, later the API): one transaction locks the stack, checks that the
// operation makes sense now, records the new desired state, and queues a deployment of that kind with its steps and
// its `provisioning.run` job. The job exists if and only if the transaction commits.
import { and, desc, eq, inArray } from 'drizzle-orm';
import type pg from 'pg';
import type { Db } from '../db/database.ts';
import { type DeploymentKind, deployments, type StackDesiredState, stacks } from '../db/schema.ts';
import { withTransaction } from '../db/transaction.ts';
import type { Queue } from '../jobs/queue.ts';
import { createSteps } from './deployment-steps.repository.ts';
import { addDeploymentEvent, createDeployment, updateStack } from './deployments.repository.ts';
import type { StackRow } from './stacks.repository.ts';
import { STEPS_BY_KIND } from './steps/index.ts';

export type StackOperation = 'suspend' | 'resume' | 'redeploy' | 'delete';

export type RequestOutcome =
  | { status: 'queued'; deploymentId: number }
  | { status: 'not-found' }
  | { status: 'busy'; deploymentId: number }
  | { status: 'invalid-state'; observedState: string };

/** What the stack is meant to be once the operation is done. */
export const DESIRED_STATE: Readonly<Record<StackOperation, StackDesiredState>> = {
  suspend: 'stopped',
  resume: 'running',
  redeploy: 'running',
  delete: 'deleted',
};

const ACTIVE_DEPLOYMENT_STATES = ['queued', 'running', 'compensating'] as const;

/**
 * `inTransaction` runs in the same transaction once the deployment is recorded (e.g. the caller's audit entry): if it
 * throws, nothing is queued.
 */
export async function requestStackOperation(
  pool: pg.Pool, queue: Pick<Queue, 'send'>, stackId: number, kind: StackOperation,
  inTransaction?: (tx: Db, deploymentId: number) => Promise<unknown>,
): Promise<RequestOutcome> {
  return withTransaction(pool, async ({ tx, sql }) => {
    const [stack] = await tx.select().from(stacks).where(eq(stacks.id, stackId)).for('update');
    if (!stack) return { status: 'not-found' };
    const [active] = await tx.select({ id: deployments.id }).from(deployments)
      .where(and(eq(deployments.stackId, stackId), inArray(deployments.state, [...ACTIVE_DEPLOYMENT_STATES])))
      .orderBy(desc(deployments.id)).limit(1);
    if (active) return { status: 'busy', deploymentId: active.id };
    if (!allowed(stack, kind)) return { status: 'invalid-state', observedState: stack.observedState };

    await updateStack(tx, stackId, { desiredState: DESIRED_STATE[kind] });
    const deploymentId = await createDeployment(tx, { stackId, kind, state: 'queued' });
    await createSteps(tx, deploymentId, STEPS_BY_KIND[kind].map((s) => s.name));
    await addDeploymentEvent(tx, { deploymentId, code: deploymentEventCode(kind, 'queued') });
    await inTransaction?.(tx, deploymentId);
    await queue.send('provisioning.run', { deploymentId }, { db: sql, singletonKey: `deployment:${deploymentId}` });
    return { status: 'queued', deploymentId };
  });
}

/** States in which a stack has an instance to act on (`failed`: a creation rolled back, nothing left). */
const HAS_INSTANCE: readonly string[] = ['running', 'degraded', 'down', 'stopped'];

/**
 * Refuses what makes no sense: anything but a delete on a stack being or already deleted, a second delete of a
 * deleted one, suspending what is stopped and meant to be, resuming what runs and is meant to, and a redeploy of a
 * suspended stack (it would start it: resume it first).
 */
function allowed(stack: StackRow, kind: StackOperation): boolean {
  const { observedState: observed, desiredState: desired } = stack;
  if (observed === 'deleted') return false;
  if (kind === 'delete') return true;
  if (desired === 'deleted' || !HAS_INSTANCE.includes(observed)) return false;
  switch (kind) {
    case 'suspend': return !(observed === 'stopped' && desired === 'stopped');
    case 'resume': return !(observed === 'running' && desired === 'running');
    case 'redeploy': return desired === 'running';
  }
}

type DeploymentEvent = 'queued' | 'started' | 'ready' | 'failed' | 'retried';

/**
 * The catalogue key of a deployment-level event. A creation speaks to the prospect about the instance being
 * created (the tracking page); the other kinds are operations on an existing instance, with neutral messages.
 */
export function deploymentEventCode(kind: DeploymentKind, event: DeploymentEvent): string {
  if (kind === 'create') return `deployment.event.${event}`;
  return {
    queued: 'deployment.event.operationQueued',
    started: 'deployment.event.operationStarted',
    ready: 'deployment.event.operationDone',
    failed: 'deployment.event.operationFailed',
    retried: 'deployment.event.operationRetried',
  }[event];
}
