// What the prospect's tracking page needs, found by its capability token: the deployment,
// its steps with an honest time estimate, its events, and (once) the initial credentials.
import type { Db } from '../db/database.ts';
import type { Cipher } from '../vault/index.ts';
import { getCredential } from './credentials.repository.ts';
import { listSteps, recentStepDurations } from './deployment-steps.repository.ts';
import { getTrackedDeployment, listDeploymentEvents, markCredentialsShown } from './deployments.repository.ts';
import { credentialAad, initialUsername } from './stack-variables.ts';
import { CREATE_STEP_NAMES } from './steps/index.ts';
import { hashBearerToken, looksLikeBearerToken } from '../vault/bearer-token.ts';

// Used until real durations exist (first deployments of a fresh platform), in ms.
const DEFAULT_STEP_MS: Record<string, number> = {
  reserve: 50, secrets: 100, render: 50, deploy: 800, wait_running: 700, health: 1200, activate: 50, welcome: 150,
};

export type TrackedDeployment = NonNullable<Awaited<ReturnType<typeof getTrackedDeployment>>>;

export interface TrackingSnapshot {
  state: TrackedDeployment['state'];
  steps: { name: string; status: string }[];
  done: number;
  total: number;
  /** Estimated seconds left, null once finished. */
  etaSeconds: number | null;
}

export function createTrackingService(deps: { db: Db; cipher: Cipher; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());

  async function findByToken(token: string): Promise<TrackedDeployment | undefined> {
    if (!looksLikeBearerToken(token)) return undefined;
    return getTrackedDeployment(deps.db, hashBearerToken(token));
  }

  async function snapshot(deployment: Pick<TrackedDeployment, 'id' | 'state'>): Promise<TrackingSnapshot> {
    const [steps, durations] = await Promise.all([listSteps(deps.db, deployment.id), recentStepDurations(deps.db, CREATE_STEP_NAMES)]);
    const finished = ['succeeded', 'failed', 'cancelled'].includes(deployment.state);
    let etaMs = 0;
    for (const step of steps) {
      if (step.status === 'succeeded' || step.status === 'skipped' || step.status === 'compensated') continue;
      const expected = durations.get(step.name) ?? DEFAULT_STEP_MS[step.name] ?? 500;
      const elapsed = step.status === 'running' && step.startedAt ? now().getTime() - step.startedAt.getTime() : 0;
      etaMs += Math.max(expected - elapsed, step.status === 'running' ? 200 : expected);
    }
    return {
      state: deployment.state,
      steps: steps.map((s) => ({ name: s.name, status: s.status })),
      done: steps.filter((s) => s.status === 'succeeded').length,
      total: steps.length,
      etaSeconds: finished ? null : Math.max(1, Math.round(etaMs / 1000)),
    };
  }

  async function events(deploymentId: number, afterId = 0) {
    return listDeploymentEvents(deps.db, deploymentId, afterId);
  }

  /** The login and temporary password, the first time a finished deployment's page is shown; undefined after. */
  async function revealInitialCredentials(deployment: TrackedDeployment): Promise<{ username: string; password: string } | undefined> {
    if (deployment.state !== 'succeeded' || deployment.credentialsShownAt) return undefined;
    const credential = await getCredential(deps.db, deployment.stackId, 'initial_password');
    if (!credential || !(await markCredentialsShown(deps.db, deployment.id, now()))) return undefined;
    return {
      username: initialUsername(deployment.prenom),
      password: deps.cipher.decrypt(credential.ciphertext, credentialAad(deployment.stackId, 'initial_password')),
    };
  }

  return { findByToken, snapshot, events, revealInitialCredentials };
}

export type TrackingService = ReturnType<typeof createTrackingService>;
