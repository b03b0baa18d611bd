// A saga step: idempotent, checks the current state before acting, and may undo its work.
import type { Logger } from 'pino';
import type { Plan } from '../../plans/plan.ts';
import type { getDeploymentContext } from '../deployments.repository.ts';
import type { ProvisioningDeps } from '../provisioning-deps.ts';

export type DeploymentContext = NonNullable<Awaited<ReturnType<typeof getDeploymentContext>>>;

export interface StepContext extends DeploymentContext {
  deps: ProvisioningDeps;
  plan: Plan;
  log: Logger;
}

/** `skipped`: the work was already done (a resumed or retried run). */
export type StepOutcome = 'succeeded' | 'skipped';

export interface Step {
  name: string;
  run(ctx: StepContext): Promise<StepOutcome>;
  /** Undoes the step's effects after a later step failed for good. Idempotent. */
  compensate?(ctx: StepContext): Promise<void>;
}

/** Polls `check` until it returns true or the deadline passes. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, intervalMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
