// Start (resume): the orchestrator starts the stopped stack with the definition it holds. When it holds none
// it can start (the local driver after a platform restart: specs carry secrets and are never written to disk;
// a stack gone from Portainer), the stack's definition brings it back: deploy adopts a stack of ours.
import { OrchestratorError } from '../orchestrator.ts';
import { buildStackSpec } from '../stack-variables.ts';
import type { Step } from './step.ts';

export const start: Step = {
  name: 'start',
  async run(ctx) {
    const { deps, stack } = ctx;
    if (await deps.probe(`${stack.url}/health`)) return 'skipped';
    try {
      await deps.orchestrator.start(stack.environment, stack.name);
    } catch (error) {
      if (!(error instanceof OrchestratorError) || error.transient) throw error;
      ctx.log.info({ err: error.message }, 'stack cannot be started as it is: deploying it from its definition');
      await deps.orchestrator.deploy(await buildStackSpec(ctx));
    }
    return 'succeeded';
  },
};
