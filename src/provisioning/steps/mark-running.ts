// Mark running (resume, redeploy): the stack is recorded as running and healthy. Like `activate`, it first makes
// sure the stack runs: after a platform crash the local driver's tenants are gone, and a stack whose observed state
// is not yet running is not brought back at boot.
import { updateStack } from '../deployments.repository.ts';
import { ensureDeployed } from './ensure-deployed.ts';
import type { Step } from './step.ts';

export const markRunning: Step = {
  name: 'mark_running',
  async run(ctx) {
    const { deps, stack } = ctx;
    await ensureDeployed(ctx, { waitHealthy: true });
    if (stack.observedState === 'running' && stack.healthStatus === 'healthy') return 'skipped';
    await updateStack(deps.db, stack.id, { observedState: 'running', healthStatus: 'healthy', healthCheckedAt: deps.now() });
    return 'succeeded';
  },
};
