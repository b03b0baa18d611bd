// Probe the application itself: the instance is ready when its /health answers 200.
import { OrchestratorError } from '../orchestrator.ts';
import { ensureDeployed } from './ensure-deployed.ts';
import { type Step, waitFor } from './step.ts';

export const health: Step = {
  name: 'health',
  async run(ctx) {
    const { deps, stack } = ctx;
    await ensureDeployed(ctx);
    const url = `${stack.url}/health`;
    const healthy = await waitFor(() => deps.probe(url), deps.settings.healthTimeoutMs, deps.settings.pollIntervalMs);
    if (!healthy) throw new OrchestratorError(`${url} did not answer 200 within ${deps.settings.healthTimeoutMs} ms`, { transient: true });
    return 'succeeded';
  },
};
