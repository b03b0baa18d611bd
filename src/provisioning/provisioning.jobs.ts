// The worker side of provisioning: consumes `provisioning.run` jobs, resumes what a crash
// interrupted, and gives every running stack its process back at boot (local orchestrator).
import type { Queue } from '../jobs/queue.ts';
import { findPlan } from '../plans/plans.ts';
import { getDeploymentContext, listUnfinishedDeployments } from './deployments.repository.ts';
import type { ProvisioningDeps } from './provisioning-deps.ts';
import type { createSagaRunner } from './saga-runner.ts';
import { buildStackSpec } from './stack-variables.ts';
import { latestDeploymentsOfRunningStacks } from './stacks.repository.ts';

export async function startProvisioningWorker(
  queue: Pick<Queue, 'work' | 'send'>, runner: ReturnType<typeof createSagaRunner>, deps: ProvisioningDeps,
): Promise<void> {
  await queue.work('provisioning.run', { concurrency: deps.settings.concurrency }, async ({ deploymentId }) => {
    const outcome = await runner.runDeployment(deploymentId);
    deps.log.debug({ deploymentId, outcome }, 'provisioning job done');
  });
  for (const { id } of await listUnfinishedDeployments(deps.db)) {
    await queue.send('provisioning.run', { deploymentId: id });
  }
}

/** Brings every stack whose desired state is running back up (idempotent deploys). */
export async function reconcileStacks(deps: ProvisioningDeps): Promise<number> {
  let count = 0;
  for (const { deploymentId } of await latestDeploymentsOfRunningStacks(deps.db, deps.orchestrator.kind)) {
    const context = await getDeploymentContext(deps.db, deploymentId);
    const plan = context && findPlan(deps.plans, context.subscription.plan);
    if (!context || !plan) continue;
    try {
      await deps.orchestrator.deploy(await buildStackSpec({ ...context, plan, deps, log: deps.log }));
      count++;
    } catch (err) {
      deps.log.error({ err: (err as Error).message, stack: context.stack.name }, 'could not restore stack at boot');
    }
  }
  if (count) deps.log.info({ stacks: count }, 'stacks restored');
  return count;
}
