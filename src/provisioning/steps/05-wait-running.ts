// Wait until the stack runs: its application answering its health URL proves it without asking the
// orchestrator; otherwise the orchestrator's view decides.
import { OrchestratorError } from '../orchestrator.ts';
import { ensureDeployed } from './ensure-deployed.ts';
import { type Step, waitFor } from './step.ts';

export const waitRunning: Step = {
  name: 'wait_running',
  async run(ctx) {
    const { deps, stack } = ctx;
    await ensureDeployed(ctx);
    let last = 'missing';
    const running = await waitFor(async () => {
      if (await deps.probe(`${stack.url}/health`)) return true;
      last = (await deps.orchestrator.inspect(stack.environment, stack.name)).state;
      return last === 'running';
    }, deps.settings.runningTimeoutMs, deps.settings.pollIntervalMs);
    if (!running) throw new OrchestratorError(`stack not running after ${deps.settings.runningTimeoutMs} ms (state: ${last})`, { transient: true });
    return 'succeeded';
  },
};
