// Starting a trial: one transaction writes the client, the subscription, the stack record,
// the deployment with its steps and first event (one statement), and enqueues the provisioning
// job. The prospect is answered once it commits; nothing here waits on an orchestrator.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import { connectionExecutor, type Queue } from '../jobs/queue.ts';
import type { Plan } from '../plans/plan.ts';
import { CREATE_STEP_NAMES } from '../provisioning/steps/index.ts';
import { newBearerToken } from '../vault/bearer-token.ts';
import type { SignupInput } from './signup-form.ts';
import { insertTrial, type InsertTrialResult } from './signup.repository.ts';
import { stackNameBase } from './stack-name.ts';

export type StartTrialResult =
  | { kind: 'created'; trackingToken: string; stackName: string; deploymentId: number }
  | { kind: 'already-registered' }
  | { kind: 'rate-limited' };

/** What another caller adds to a trial's transaction (the REST API: its idempotency key first, its audit entry last). */
export interface TrialOptions {
  /** Trials per IP per hour for this signup instead of the service's setting (the API limits per key instead). */
  rateLimitPerHour?: number;
  /** Runs first in the transaction, before any row is written; throwing rolls it back. */
  before?: (client: pg.PoolClient) => Promise<void>;
  /** Runs once the rows are written and the job queued, before the commit; throwing rolls everything back. */
  after?: (client: pg.PoolClient, created: { stackName: string; deploymentId: number }) => Promise<void>;
}

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

const DAY_MS = 86_400_000;
/** Signups of one company that keep losing the race for a stack name (see signup.repository.ts). */
const MAX_NAME_ATTEMPTS = 20;

export function createSignupService(deps: SignupServiceDeps) {
  const now = deps.now ?? (() => new Date());

  async function startTrial(input: SignupInput, context: { ip: string }, options: TrialOptions = {}): Promise<StartTrialResult> {
    const at = now();
    const plan = deps.plans.find((p) => p.id === input.plan)!;
    // The tracking page is a capability URL: whoever holds the token sees the deployment.
    const tracking = newBearerToken();
    const rows = {
      entreprise: input.entreprise, nom: input.nom, prenom: input.prenom, email: input.email,
      telephone: input.telephone, effectif: input.effectif, plan: plan.id,
      priceCents: plan.monthlyPrice === null ? null : plan.monthlyPrice * 100,
      at, trialEndsAt: new Date(at.getTime() + plan.trialDays * DAY_MS), consentIp: context.ip,
      stackNameBase: stackNameBase(input.entreprise), orchestrator: deps.orchestrator,
      trackingTokenHash: tracking.hash, stepNames: CREATE_STEP_NAMES, rateLimitPerHour: options.rateLimitPerHour ?? deps.rateLimitPerHour,
    };

    let result: InsertTrialResult = { kind: 'name-race' };
    for (let attempt = 1; result.kind === 'name-race'; attempt++) {
      if (attempt > MAX_NAME_ATTEMPTS) throw new Error(`no free stack name for ${rows.stackNameBase} after ${MAX_NAME_ATTEMPTS} attempts`);
      result = await inTransaction(deps.pool, async (client) => {
        await options.before?.(client);
        const inserted = await insertTrial(client, rows);
        if (inserted.kind === 'created') {
          await deps.queue.send('provisioning.run', { deploymentId: inserted.deploymentId }, {
            db: connectionExecutor(client), singletonKey: `deployment:${inserted.deploymentId}`,
          });
          await options.after?.(client, inserted);
        }
        return inserted;
      });
    }

    if (result.kind !== 'created') return result;
    deps.log.info({ stack: result.stackName, deploymentId: result.deploymentId, plan: plan.id }, 'trial signup accepted');
    return { kind: 'created', trackingToken: tracking.token, stackName: result.stackName, deploymentId: result.deploymentId };
  }

  return { startTrial };
}

/** begin … commit on one pooled connection; a result other than `created` commits nothing. */
async function inTransaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<InsertTrialResult>): Promise<InsertTrialResult> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query(result.kind === 'created' ? 'commit' : 'rollback');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export type SignupService = ReturnType<typeof createSignupService>;
