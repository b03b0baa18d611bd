// Reserve: the stack's environment, then its URL: in port mode a published port from the platform's
// own allocation table (never from scanning the orchestrator), in domain mode the URL template alone.
import { and, count, eq, inArray, ne } from 'drizzle-orm';
import { portAllocations, stacks } from '../../db/schema.ts';
import { OrchestratorError } from '../orchestrator.ts';
import { allocatePort, releasePort } from '../port-allocations.repository.ts';
import { updateStack } from '../deployments.repository.ts';
import type { ProvisioningDeps } from '../provisioning-deps.ts';
import type { Step } from './step.ts';

export const reserve: Step = {
  name: 'reserve',
  async run({ deps, stack }) {
    const template = deps.settings.tenantUrlTemplate;
    if (stack.url && (template !== undefined || stack.port !== null)) return 'skipped';
    const environment = await chooseEnvironment(deps, stack.id);
    if (template !== undefined) {
      await updateStack(deps.db, stack.id, { environment, port: null, url: template.replaceAll('{name}', stack.name) });
      return 'succeeded';
    }
    const port = await allocatePort(deps.db, environment, stack.id, deps.settings.portRange);
    if (port === null) throw new OrchestratorError(`no free port left in ${deps.settings.portRange.min}-${deps.settings.portRange.max} on environment ${environment}`, { transient: false });
    await updateStack(deps.db, stack.id, { environment, port, url: `http://${deps.settings.tenantHost}:${port}` });
    return 'succeeded';
  },
  async compensate({ deps, stack }) {
    await releasePort(deps.db, stack.id);
    await updateStack(deps.db, stack.id, { port: null, url: null });
  },
};

/**
 * The environment the stack already holds a port in (a run interrupted after the allocation), otherwise the
 * orchestrator's environment with the fewest of our live stacks, the first one listed on a tie.
 */
async function chooseEnvironment(deps: ProvisioningDeps, stackId: number): Promise<string> {
  const environments = deps.orchestrator.environments();
  if (environments.length === 1) return environments[0]!;
  const [held] = await deps.db.select({ environment: portAllocations.environment }).from(portAllocations).where(eq(portAllocations.stackId, stackId));
  if (held) return held.environment;
  const rows = await deps.db.select({ environment: stacks.environment, stacks: count() }).from(stacks)
    .where(and(eq(stacks.orchestrator, deps.orchestrator.kind), inArray(stacks.environment, environments), ne(stacks.desiredState, 'deleted')))
    .groupBy(stacks.environment);
  const load = new Map(rows.map((r) => [r.environment, r.stacks]));
  return environments.reduce((best, env) => ((load.get(env) ?? 0) < (load.get(best) ?? 0) ? env : best));
}
