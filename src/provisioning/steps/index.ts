// The ordered steps of each kind of deployment. A constant list, not a chain of callbacks:
// the runner creates one row per step up front and walks them in order.
import { reserve } from './01-reserve.ts';
import { secrets } from './02-secrets.ts';
import { render } from './03-render.ts';
import { deploy } from './04-deploy.ts';
import { waitRunning } from './05-wait-running.ts';
import { health } from './06-health.ts';
import { activate } from './07-activate.ts';
import { welcome } from './08-welcome.ts';
import type { Step } from './step.ts';

export const CREATE_STEPS: readonly Step[] = [reserve, secrets, render, deploy, waitRunning, health, activate, welcome];
export const CREATE_STEP_NAMES = CREATE_STEPS.map((s) => s.name);
