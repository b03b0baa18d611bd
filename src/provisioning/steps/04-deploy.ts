// Deploy: hand the stack to the orchestrator, which adopts a stack of ours with the same name
// instead of creating a second one, so a resumed or retried deploy is harmless.
import { updateStack } from '../deployments.repository.ts';
import { buildStackSpec } from '../stack-variables.ts';
import type { Step } from './step.ts';

export const deploy: Step = {
  name: 'deploy',
  async run(ctx) {
    const { externalId } = await ctx.deps.orchestrator.deploy(await buildStackSpec(ctx));
    await updateStack(ctx.deps.db, ctx.stack.id, { externalId });
    return 'succeeded';
  },
  async compensate({ deps, stack }) {
    await deps.orchestrator.remove(stack.environment, stack.name);
    await updateStack(deps.db, stack.id, { externalId: null });
  },
};
