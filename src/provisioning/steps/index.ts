// The ordered steps of each kind of deployment. A constant list, not a chain of callbacks:
// the runner creates one row per step up front and walks them in order.
import type { DeploymentKind } from '../../db/schema.ts';
import { reserve } from './01-reserve.ts';
import { secrets } from './02-secrets.ts';
import { render } from './03-render.ts';
import { deploy } from './04-deploy.ts';
import { waitRunning } from './05-wait-running.ts';
import { health } from './06-health.ts';
import { activate } from './07-activate.ts';
import { welcome } from './08-welcome.ts';
import { markRunning } from './mark-running.ts';
import { markStopped } from './mark-stopped.ts';
import { redeploy } from './redeploy.ts';
import { release } from './release.ts';
import { remove } from './remove.ts';
import { start } from './start.ts';
import { stop } from './stop.ts';
import type { Step } from './step.ts';

export const CREATE_STEPS: readonly Step[] = [reserve, secrets, render, deploy, waitRunning, health, activate, welcome];
export const CREATE_STEP_NAMES = CREATE_STEPS.map((s) => s.name);

/** The kinds a deployment can be run for (`upgrade` has no steps yet). */
export type RunnableKind = Exclude<DeploymentKind, 'upgrade'>;

/**
 * Operations on an existing stack reuse the steps that hold for any deployment (`render`, `wait_running`, `health`),
 * never `activate` (it touches the subscription) nor `welcome`. A redeploy's `deploy` is its own step: it updates the
 * running stack, and has no compensation (only a creation is rolled back).
 */
export const STEPS_BY_KIND: Readonly<Record<RunnableKind, readonly Step[]>> = {
  create: CREATE_STEPS,
  suspend: [stop, markStopped],
  resume: [start, waitRunning, health, markRunning],
  redeploy: [render, redeploy, waitRunning, health, markRunning],
  delete: [remove, release],
};
