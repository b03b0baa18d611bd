// Deploy, for a redeploy: the running stack gets its full definition again and restarts (the orchestrator's
// update); a stack that does not run is deployed, which creates or adopts it and starts it. Secrets are the stored
// ones (render reads them, nothing is generated). Doing it twice restarts the stack twice: harmless.
// No compensation: a failed redeploy leaves the stack as it is.
import { updateStack } from '../deployments.repository.ts';
import { buildStackSpec } from '../stack-variables.ts';
import type { Step } from './step.ts';

export const redeploy: Step = {
  name: 'deploy',
  async run(ctx) {
    const { deps, stack } = ctx;
    const spec = await buildStackSpec(ctx);
    const { state } = await deps.orchestrator.inspect(stack.environment, stack.name);
    if (state === 'missing' || state === 'exited') {
      const { externalId } = await deps.orchestrator.deploy(spec);
      await updateStack(deps.db, stack.id, { externalId });
    } else {
      await deps.orchestrator.update(spec);
    }
    return 'succeeded';
  },
};
