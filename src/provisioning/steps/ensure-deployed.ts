// After a crash of the platform, a stack the deploy step already created may not be running
// in this process (the local driver's tenants die with the platform): steps that rely on the
// stack deploy it again first, which the orchestrator's idempotent deploy makes harmless. An instance that
// answers its health URL is deployed: checking that first spares a call to the orchestrator (Portainer) on the
// usual path.
import { OrchestratorError } from '../orchestrator.ts';
import { buildStackSpec } from '../stack-variables.ts';
import { type StepContext, waitFor } from './step.ts';

export async function ensureDeployed(ctx: StepContext, options: { waitHealthy?: boolean } = {}): Promise<void> {
  const { deps, stack } = ctx;
  if (await deps.probe(`${stack.url}/health`)) return;
  const { state } = await deps.orchestrator.inspect(stack.environment, stack.name);
  if (state === 'missing' || state === 'exited') {
    ctx.log.info({ state }, 'stack not running after a restart: deploying it again');
    await deps.orchestrator.deploy(await buildStackSpec(ctx));
  }
  // A restarted platform also brings stacks back at boot: they may still be starting.
  if (!options.waitHealthy) return;
  const healthy = await waitFor(() => deps.probe(`${stack.url}/health`), deps.settings.healthTimeoutMs, deps.settings.pollIntervalMs);
  if (!healthy) throw new OrchestratorError(`${stack.url}/health did not answer 200 after a redeploy`, { transient: true });
}
