// Starting a trial: one transaction writes the client, the subscription, the stack record,
// the deployment with its first event, and enqueues the provisioning job. The prospect is
// answered at once; nothing here waits on an orchestrator.
import type pg from 'pg';
import type { Logger } from 'pino';
import { createClient } from '../clients/clients.repository.ts';
import type { Db } from '../db/database.ts';
import { withTransaction } from '../db/transaction.ts';
import type { Queue } from '../jobs/queue.ts';
import type { Plan } from '../plans/plan.ts';
import { addDeploymentEvent, createDeployment } from '../provisioning/deployments.repository.ts';
import { createSteps } from '../provisioning/deployment-steps.repository.ts';
import { createStackWithUniqueName } from '../provisioning/stacks.repository.ts';
import { CREATE_STEP_NAMES } from '../provisioning/steps/index.ts';
import { newTrackingToken } from '../provisioning/tracking-token.ts';
import { countTrialsFromIpSince, createSubscription } from '../subscriptions/subscriptions.repository.ts';
import type { SignupInput } from './signup-form.ts';
import { stackNameBase } from './stack-name.ts';

export type StartTrialResult =
  | { kind: 'created'; trackingToken: string; stackName: string; deploymentId: number }
  | { kind: 'already-registered' }
  | { kind: 'rate-limited' };

export interface SignupServiceDeps {
  pool: pg.Pool;
  db: Db;
  queue: Pick<Queue, 'send'>;
  plans: readonly Plan[];
  orchestrator: string;
  /** Trials per IP per hour; 0 disables the limit. */
  rateLimitPerHour: number;
  now?: () => Date;
  log: Logger;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export function createSignupService(deps: SignupServiceDeps) {
  const now = deps.now ?? (() => new Date());

  async function startTrial(input: SignupInput, context: { ip: string }): Promise<StartTrialResult> {
    const at = now();
    if (deps.rateLimitPerHour > 0) {
      const recent = await countTrialsFromIpSince(deps.db, context.ip, new Date(at.getTime() - HOUR_MS));
      if (recent >= deps.rateLimitPerHour) return { kind: 'rate-limited' };
    }
    const plan = deps.plans.find((p) => p.id === input.plan)!;
    const tracking = newTrackingToken();

    const result = await withTransaction(deps.pool, async ({ tx, sql }) => {
      const clientId = await createClient(tx, {
        entreprise: input.entreprise, nom: input.nom, prenom: input.prenom, email: input.email,
        telephone: input.telephone, effectif: input.effectif, createdAt: at,
      });
      if (clientId === null) return null;
      await createSubscription(tx, {
        clientId, plan: plan.id, status: 'trialing',
        priceCents: plan.monthlyPrice === null ? null : plan.monthlyPrice * 100,
        trialEndsAt: new Date(at.getTime() + plan.trialDays * DAY_MS),
        startedAt: at, cgvAcceptedAt: at, consentIp: context.ip, createdAt: at,
      });
      const stack = await createStackWithUniqueName(tx, stackNameBase(input.entreprise), {
        clientId, orchestrator: deps.orchestrator, desiredState: 'running', observedState: 'provisioning',
      });
      const deploymentId = await createDeployment(tx, {
        stackId: stack.id, kind: 'create', state: 'queued', trackingTokenHash: tracking.hash,
      });
      await createSteps(tx, deploymentId, CREATE_STEP_NAMES);
      await addDeploymentEvent(tx, { deploymentId, code: 'deployment.event.queued' });
      await deps.queue.send('provisioning.run', { deploymentId }, { db: sql, singletonKey: `deployment:${deploymentId}` });
      return { stackName: stack.name, deploymentId };
    });

    if (!result) return { kind: 'already-registered' };
    deps.log.info({ stack: result.stackName, deploymentId: result.deploymentId, plan: plan.id }, 'trial signup accepted');
    return { kind: 'created', trackingToken: tracking.token, ...result };
  }

  return { startTrial };
}

export type SignupService = ReturnType<typeof createSignupService>;
