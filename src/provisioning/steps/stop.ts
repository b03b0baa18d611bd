// Stop (suspend): the orchestrator stops the stack and keeps its data. A stack that neither answers its
// health URL nor runs for the orchestrator is already stopped.
import type { Step } from './step.ts';

export const stop: Step = {
  name: 'stop',
  async run({ deps, stack }) {
    if (!(await deps.probe(`${stack.url}/health`))) {
      const { state } = await deps.orchestrator.inspect(stack.environment, stack.name);
      if (state === 'exited' || state === 'missing') return 'skipped';
    }
    await deps.orchestrator.stop(stack.environment, stack.name);
    return 'succeeded';
  },
};
