// Activate: the stack is running and the subscription is live (trial or paid).
import { withTransaction } from '../../db/transaction.ts';
import { activateSubscription } from '../../subscriptions/subscriptions.repository.ts';
import { updateStack } from '../deployments.repository.ts';
import { ensureDeployed } from './ensure-deployed.ts';
import type { Step } from './step.ts';

export const activate: Step = {
  name: 'activate',
  async run(ctx) {
    const { deps, stack, subscription } = ctx;
    await ensureDeployed(ctx, { waitHealthy: true });
    if (stack.observedState === 'running' && subscription.status !== 'past_due') return 'skipped';
    await withTransaction(deps.pool, async ({ tx }) => {
      await updateStack(tx, stack.id, { observedState: 'running', healthStatus: 'healthy', healthCheckedAt: deps.now() });
      await activateSubscription(tx, subscription.id);
    });
    return 'succeeded';
  },
};
