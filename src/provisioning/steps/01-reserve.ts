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
    const port = await allocateUsablePort(deps, environment, stack.id);
    if (port === null) throw new OrchestratorError(`no free port left in ${deps.settings.portRange.min}-${deps.settings.portRange.max} on environment ${environment}`, { transient: false });
    await updateStack(deps.db, stack.id, { environment, port, url: `http://${deps.settings.tenantHost}:${port}` });
    return 'succeeded';
  },
  async compensate({ deps, stack }) {
    await releasePort(deps.db, stack.id);
    await updateStack(deps.db, stack.id, { port: null, url: null });
  },
};

/** Busy ports passed over before reserve keeps one anyway. */
const BUSY_PORTS_SKIPPED = 10;

/**
 * A port nobody listens on: one held by a process outside the platform (an orphan of a crashed platform, another
 * service) is passed over, or every deployment given it would fail. When every port tried is busy, the lowest is
 * kept: the deploy step waits for it (often a process on its way out).
 */
async function allocateUsablePort(deps: ProvisioningDeps, environment: string, stackId: number): Promise<number | null> {
  const { orchestrator, db, settings } = deps;
  const busy: number[] = [];
  while (busy.length < BUSY_PORTS_SKIPPED) {
    const port = await allocatePort(db, environment, stackId, settings.portRange, busy);
    if (port === null) break;
    if (!orchestrator.portInUse || !(await orchestrator.portInUse(environment, port))) return port;
    busy.push(port);
    await releasePort(db, stackId);
  }
  return allocatePort(db, environment, stackId, settings.portRange);
}

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
