// Staff retry of a failed deployment: its steps start over (each one checks what is already
// done), the stack goes back to provisioning, and a job is queued in the same transaction.
import type pg from 'pg';
import { withTransaction } from '../db/transaction.ts';
import type { Queue } from '../jobs/queue.ts';
import { resetSteps } from './deployment-steps.repository.ts';
import { addDeploymentEvent, getDeploymentContext, updateDeployment, updateStack } from './deployments.repository.ts';

export type RetryResult = 'queued' | 'not-found' | 'not-failed';

export async function retryDeployment(pool: pg.Pool, queue: Pick<Queue, 'send'>, deploymentId: number): Promise<RetryResult> {
  return withTransaction(pool, async ({ tx, sql }) => {
    const context = await getDeploymentContext(tx, deploymentId);
    if (!context) return 'not-found';
    if (context.deployment.state !== 'failed') return 'not-failed';
    await resetSteps(tx, deploymentId);
    await updateDeployment(tx, deploymentId, { state: 'queued', error: null, finishedAt: null, currentStep: null });
    await updateStack(tx, context.stack.id, { observedState: 'provisioning' });
    await addDeploymentEvent(tx, { deploymentId, code: 'deployment.event.retried' });
    await queue.send('provisioning.run', { deploymentId }, { db: sql });
    return 'queued';
  });
}
