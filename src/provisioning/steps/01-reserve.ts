// Reserve: the stack's environment, published port and URL. Ports come from the platform's
// own allocation table, never from scanning the orchestrator.
import { OrchestratorError } from '../orchestrator.ts';
import { allocatePort, releasePort } from '../port-allocations.repository.ts';
import { updateStack } from '../deployments.repository.ts';
import type { Step } from './step.ts';

export const reserve: Step = {
  name: 'reserve',
  async run({ deps, stack }) {
    if (stack.port !== null && stack.url) return 'skipped';
    const environment = deps.orchestrator.environments()[0]!;
    const port = await allocatePort(deps.db, environment, stack.id, deps.settings.portRange);
    if (port === null) throw new OrchestratorError(`no free port left in ${deps.settings.portRange.min}-${deps.settings.portRange.max}`, { transient: false });
    await updateStack(deps.db, stack.id, { environment, port, url: `http://${deps.settings.tenantHost}:${port}` });
    return 'succeeded';
  },
  async compensate({ deps, stack }) {
    await releasePort(deps.db, stack.id);
    await updateStack(deps.db, stack.id, { port: null, url: null });
  },
};
