// Staff retry of a failed deployment: its steps start over (each one checks what is already
// done) and a job is queued in the same transaction. A creation puts the stack back to
// provisioning; another kind restates the desired state it was asked for (a newer operation may
// have changed it since) and leaves the observed state to what the steps find. A deleted stack
// is left alone: the runner fails anything but a delete on it.
import type pg from 'pg';
import { withTransaction } from '../db/transaction.ts';
import type { Queue } from '../jobs/queue.ts';
import { resetSteps } from './deployment-steps.repository.ts';
import { addDeploymentEvent, getDeploymentContext, updateDeployment, updateStack } from './deployments.repository.ts';
import { DESIRED_STATE, deploymentEventCode } from './stack-operations.ts';

export type RetryResult = 'queued' | 'not-found' | 'not-failed';

export async function retryDeployment(pool: pg.Pool, queue: Pick<Queue, 'send'>, deploymentId: number): Promise<RetryResult> {
  return withTransaction(pool, async ({ tx, sql }) => {
    const context = await getDeploymentContext(tx, deploymentId);
    if (!context) return 'not-found';
    const { kind } = context.deployment;
    if (context.deployment.state !== 'failed') return 'not-failed';
    await resetSteps(tx, deploymentId);
    await updateDeployment(tx, deploymentId, { state: 'queued', error: null, finishedAt: null, currentStep: null });
    if (context.stack.observedState !== 'deleted') {
      if (kind === 'create') await updateStack(tx, context.stack.id, { observedState: 'provisioning' });
      else if (kind !== 'upgrade') await updateStack(tx, context.stack.id, { desiredState: DESIRED_STATE[kind] });
    }
    await addDeploymentEvent(tx, { deploymentId, code: deploymentEventCode(kind, 'retried') });
    await queue.send('provisioning.run', { deploymentId }, { db: sql });
    return 'queued';
  });
}
