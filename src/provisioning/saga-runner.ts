// Runs a deployment's steps in order, each recorded as events. Safe to call any number of
// times, from any worker, after any crash: an advisory lock keeps one runner per deployment,
// finished steps are not run again, and every step checks before it acts.
import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { withTransaction } from '../db/transaction.ts';
import { findPlan } from '../plans/plans.ts';
import { finishStep, listSteps, markStepRunning, recordStepError, skipPendingSteps } from './deployment-steps.repository.ts';
import { addDeploymentEvent, getDeploymentContext, updateDeployment, updateStack } from './deployments.repository.ts';
import { queueFailureEmails } from './failure-emails.ts';
import { OrchestratorError } from './orchestrator.ts';
import type { ProvisioningDeps } from './provisioning-deps.ts';
import { CREATE_STEPS } from './steps/index.ts';
import type { Step, StepContext } from './steps/step.ts';

const DEPLOYMENT_LOCK = 727_002;
const ENVIRONMENT_SLOT_LOCK = 727_003;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;

export type RunOutcome = 'succeeded' | 'failed' | 'retry-scheduled' | 'busy' | 'deferred' | 'nothing-to-do';

export function createSagaRunner(deps: ProvisioningDeps) {
  const steps = new Map<string, Step>(CREATE_STEPS.map((s) => [s.name, s]));

  async function runDeployment(deploymentId: number): Promise<RunOutcome> {
    const lock = await deps.pool.connect();
    try {
      const locked = await tryLock(lock, DEPLOYMENT_LOCK, deploymentId);
      if (!locked) return 'busy';
      try {
        return await runLocked(lock, deploymentId);
      } finally {
        await lock.query('select pg_advisory_unlock($1, $2)', [DEPLOYMENT_LOCK, deploymentId]);
      }
    } finally {
      lock.release();
    }
  }

  async function runLocked(lock: PoolClient, deploymentId: number): Promise<RunOutcome> {
    const first = await getDeploymentContext(deps.db, deploymentId);
    if (!first || !['queued', 'running', 'compensating'].includes(first.deployment.state)) return 'nothing-to-do';
    const log = deps.log.child({ deploymentId, stack: first.stack.name });
    if (first.deployment.state === 'compensating') return fail(deploymentId, log, 'interrupted during compensation', undefined);

    // Bounded concurrency per environment, across every worker: one advisory lock per slot.
    const slot = await takeSlot(lock, first.stack.environment);
    if (slot === null) {
      await deps.queue.send('provisioning.run', { deploymentId }, { startAfter: new Date(deps.now().getTime() + 1_000) });
      return 'deferred';
    }
    try {
      if (first.deployment.state === 'queued') {
        await updateDeployment(deps.db, deploymentId, { state: 'running', startedAt: deps.now(), attempt: first.deployment.attempt + 1 });
        await addDeploymentEvent(deps.db, { deploymentId, code: 'deployment.event.started' });
      }
      for (const row of await listSteps(deps.db, deploymentId)) {
        if (row.status !== 'pending' && row.status !== 'running') continue;
        const step = steps.get(row.name)!;
        const ctx = await stepContext(deploymentId, log.child({ step: row.name }));
        const running = await markStepRunning(deps.db, row.id, deps.now());
        await updateDeployment(deps.db, deploymentId, { currentStep: row.name });
        await addDeploymentEvent(deps.db, { deploymentId, step: row.name, code: `deployment.step.${row.name}.started` });
        const started = performance.now();
        try {
          const outcome = await step.run(ctx);
          if (deps.settings.killAfterStep === row.name) process.kill(process.pid, 'SIGKILL');
          await finishStep(deps.db, row.id, 'succeeded', deps.now());
          await addDeploymentEvent(deps.db, { deploymentId, step: row.name, code: `deployment.step.${row.name}.done`, detail: outcome === 'skipped' ? 'already done' : null });
          ctx.log.info({ outcome, ms: Math.round(performance.now() - started) }, 'deployment step succeeded');
        } catch (error) {
          const message = describe(error);
          const transient = isTransient(error);
          ctx.log.warn({ err: message, transient, attempt: running.attempt }, 'deployment step failed');
          if (transient && running.attempt < deps.settings.maxStepAttempts) {
            await recordStepError(deps.db, row.id, message);
            const delay = backoff(running.attempt);
            await addDeploymentEvent(deps.db, { deploymentId, step: row.name, code: 'deployment.event.retrying', params: { seconds: Math.ceil(delay / 1000) }, detail: message });
            await deps.queue.send('provisioning.run', { deploymentId }, { startAfter: new Date(deps.now().getTime() + delay) });
            return 'retry-scheduled';
          }
          await finishStep(deps.db, row.id, 'failed', deps.now(), message);
          return fail(deploymentId, log, message, row.name);
        }
      }
      await withTransaction(deps.pool, async ({ tx }) => {
        await updateDeployment(tx, deploymentId, { state: 'succeeded', currentStep: null, finishedAt: deps.now(), error: null });
        await addDeploymentEvent(tx, { deploymentId, code: 'deployment.event.ready' });
      });
      log.info({ ms: deps.now().getTime() - first.deployment.createdAt.getTime() }, 'deployment succeeded: instance ready');
      return 'succeeded';
    } finally {
      await lock.query('select pg_advisory_unlock($1, $2)', [ENVIRONMENT_SLOT_LOCK, slot]);
    }
  }

  /** Marks the remaining steps skipped, undoes completed steps in reverse order, and records the failure. */
  async function fail(deploymentId: number, log: StepContext['log'], error: string, stepName: string | undefined): Promise<RunOutcome> {
    await skipPendingSteps(deps.db, deploymentId);
    await updateDeployment(deps.db, deploymentId, { state: 'compensating', error });
    await addDeploymentEvent(deps.db, { deploymentId, step: stepName ?? null, code: 'deployment.event.failed', detail: error });
    const ctx = await stepContext(deploymentId, log);
    const done = (await listSteps(deps.db, deploymentId)).filter((s) => s.status === 'succeeded').reverse();
    for (const row of done) {
      const step = steps.get(row.name)!;
      if (!step.compensate) continue;
      try {
        await step.compensate(ctx);
        await finishStep(deps.db, row.id, 'compensated', deps.now());
      } catch (err) {
        log.error({ err: describe(err), step: row.name }, 'compensation failed');
        await addDeploymentEvent(deps.db, { deploymentId, step: row.name, code: 'deployment.event.compensationFailed', detail: describe(err) });
      }
    }
    await withTransaction(deps.pool, async (transaction) => {
      const { tx } = transaction;
      await updateStack(tx, ctx.stack.id, { observedState: 'failed' });
      await updateDeployment(tx, deploymentId, { state: 'failed', currentStep: null, finishedAt: deps.now() });
      await addDeploymentEvent(tx, { deploymentId, code: 'deployment.event.compensated' });
      await queueFailureEmails(transaction, ctx, error, stepName);
    });
    log.error({ err: error, step: stepName }, 'deployment failed and was rolled back');
    return 'failed';
  }

  async function stepContext(deploymentId: number, log: StepContext['log']): Promise<StepContext> {
    const context = (await getDeploymentContext(deps.db, deploymentId))!;
    const plan = findPlan(deps.plans, context.subscription.plan);
    if (!plan) throw new OrchestratorError(`unknown plan ${context.subscription.plan}`, { transient: false });
    return { ...context, plan, deps, log };
  }

  async function takeSlot(lock: PoolClient, environment: string): Promise<number | null> {
    const base = environmentKey(environment) * 1000;
    for (let i = 0; i < deps.settings.concurrency; i++) {
      if (await tryLock(lock, ENVIRONMENT_SLOT_LOCK, base + i)) return base + i;
    }
    return null;
  }

  return { runDeployment };
}

async function tryLock(client: PoolClient, key: number, id: number): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', [key, id]);
  return rows[0]!.ok;
}

function environmentKey(environment: string): number {
  return createHash('sha256').update(environment).digest().readUInt32BE(0) % 2_000_000;
}

/** Exponential backoff with full jitter in [delay/2, delay]. */
export function backoff(attempt: number): number {
  const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(delay / 2 + Math.random() * (delay / 2));
}

export function isTransient(error: unknown): boolean {
  if (error instanceof OrchestratorError) return error.transient;
  const code = (error as { code?: string }).code;
  // Network and PostgreSQL connection errors are worth another try; anything else is a bug or bad input.
  return typeof code === 'string' && (/^(ECONN|ETIMEDOUT|EPIPE|EAI_AGAIN|UND_ERR)/.test(code) || /^(08|57P0|53)/.test(code));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
