// Runs a deployment's steps in order, each recorded as events. Safe to call any number of
// times, from any worker, after any crash: an advisory lock keeps one runner per deployment
// (and one deployment at a time per stack), finished steps are not run again, and every step
// checks before it acts. The steps, and what a failure means, depend on the deployment's kind.
import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { type DeploymentAlerts, NO_DEPLOYMENT_ALERTS } from '../alerts/deployment-alerts.ts';
import type { DeploymentKind, StackObservedState } from '../db/schema.ts';
import { withTransaction } from '../db/transaction.ts';
import { findPlan } from '../plans/plans.ts';
import { finishStep, listSteps, markStepRunning, recordStepError, skipPendingSteps } from './deployment-steps.repository.ts';
import { addDeploymentEvent, getDeploymentContext, updateDeployment, updateStack } from './deployments.repository.ts';
import { queueFailureEmails } from './failure-emails.ts';
import { type InstanceState, OrchestratorError } from './orchestrator.ts';
import type { ProvisioningDeps } from './provisioning-deps.ts';
import { deploymentEventCode } from './stack-operations.ts';
import { STEPS_BY_KIND } from './steps/index.ts';
import type { Step, StepContext } from './steps/step.ts';

const DEPLOYMENT_LOCK = 727_002;
const ENVIRONMENT_SLOT_LOCK = 727_003;
const STACK_LOCK = 727_004;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;

export type RunOutcome = 'succeeded' | 'failed' | 'retry-scheduled' | 'busy' | 'deferred' | 'nothing-to-do';

/** `alerts`: a failed creation opens its stack's alert, the stack's next successful deployment resolves it. */
export function createSagaRunner(deps: ProvisioningDeps, alerts: DeploymentAlerts = NO_DEPLOYMENT_ALERTS) {
  const stepMaps = new Map<string, Map<string, Step>>(
    Object.entries(STEPS_BY_KIND).map(([kind, list]) => [kind, new Map(list.map((s) => [s.name, s]))]),
  );

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
    const { kind } = first.deployment;
    const log = deps.log.child({ deploymentId, stack: first.stack.name, kind });
    const steps = stepMaps.get(kind);
    if (!steps) return failOperation(deploymentId, kind, log, `no steps for deployment kind ${kind}`, undefined);
    // A stack deleted meanwhile (a staff retry of an older deployment) is not brought back.
    if (first.stack.observedState === 'deleted' && kind !== 'delete') return failOperation(deploymentId, kind, log, 'the stack is deleted', undefined);

    // One deployment of a stack at a time, whatever queued it (a staff retry of an older one included).
    if (!(await tryLock(lock, STACK_LOCK, first.stack.id))) return defer(deploymentId);
    let slot: number | null = null;
    try {
      if (first.deployment.state === 'compensating') return await fail(deploymentId, steps, log, 'interrupted during compensation', undefined);
      // Bounded concurrency per environment, across every worker: one advisory lock per slot.
      slot = await takeSlot(lock, first.stack.environment);
      if (slot === null) return await defer(deploymentId);
      if (first.deployment.state === 'queued') {
        await updateDeployment(deps.db, deploymentId, { state: 'running', startedAt: deps.now(), attempt: first.deployment.attempt + 1 });
        await addDeploymentEvent(deps.db, { deploymentId, code: deploymentEventCode(kind, 'started') });
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
          return kind === 'create' ? await fail(deploymentId, steps, log, message, row.name) : await failOperation(deploymentId, kind, log, message, row.name);
        }
      }
      await withTransaction(deps.pool, async (transaction) => {
        const { tx } = transaction;
        await updateDeployment(tx, deploymentId, { state: 'succeeded', currentStep: null, finishedAt: deps.now(), error: null });
        await addDeploymentEvent(tx, { deploymentId, code: deploymentEventCode(kind, 'ready') });
        await alerts.succeeded(transaction, first.stack.id);
      });
      log.info({ ms: deps.now().getTime() - first.deployment.createdAt.getTime() }, kind === 'create' ? 'deployment succeeded: instance ready' : 'deployment succeeded');
      return 'succeeded';
    } finally {
      if (slot !== null) await lock.query('select pg_advisory_unlock($1, $2)', [ENVIRONMENT_SLOT_LOCK, slot]);
      await lock.query('select pg_advisory_unlock($1, $2)', [STACK_LOCK, first.stack.id]);
    }
  }

  async function defer(deploymentId: number): Promise<RunOutcome> {
    await deps.queue.send('provisioning.run', { deploymentId }, { startAfter: new Date(deps.now().getTime() + 1_000) });
    return 'deferred';
  }

  /**
   * A creation that fails: marks the remaining steps skipped, undoes completed steps in reverse order, and records
   * the failure (stack `failed`, an e-mail to the prospect, an alert to the staff).
   */
  async function fail(deploymentId: number, steps: Map<string, Step>, log: StepContext['log'], error: string, stepName: string | undefined): Promise<RunOutcome> {
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
      await queueFailureEmails(transaction, ctx);
      await alerts.failed(transaction, { client: ctx.client, stack: ctx.stack, deployment: ctx.deployment, error, step: stepName });
    });
    log.error({ err: error, step: stepName }, 'deployment failed and was rolled back');
    return 'failed';
  }

  /**
   * Any other kind that fails: nothing is undone. Compensating would be wrong here: the steps act on a stack the
   * client already uses (undoing a stop starts it, undoing a removal cannot be done), so the stack stays as the failure
   * left it, the staff who asked see the failure in the dashboard (no e-mail, none to the client), and a retry runs
   * the idempotent steps again. The observed state is set to what is true, or left as it was when nobody can tell.
   */
  async function failOperation(deploymentId: number, kind: DeploymentKind, log: StepContext['log'], error: string, stepName: string | undefined): Promise<RunOutcome> {
    await skipPendingSteps(deps.db, deploymentId);
    const context = await getDeploymentContext(deps.db, deploymentId);
    const observed = context ? await observedAfterFailure(context.stack) : undefined;
    await withTransaction(deps.pool, async ({ tx }) => {
      if (context && observed && observed !== context.stack.observedState) await updateStack(tx, context.stack.id, { observedState: observed });
      await updateDeployment(tx, deploymentId, { state: 'failed', error, currentStep: null, finishedAt: deps.now() });
      await addDeploymentEvent(tx, { deploymentId, step: stepName ?? null, code: deploymentEventCode(kind, 'failed'), detail: error });
    });
    log.error({ err: error, step: stepName, observed }, 'deployment failed; nothing rolled back');
    return 'failed';
  }

  /**
   * What the stack is, as far as two cheap checks tell: its health URL answering (running), else the orchestrator's
   * view (one call). Undefined when the orchestrator cannot be asked (often the very cause of the failure): the last
   * known state is then kept rather than guessed.
   */
  async function observedAfterFailure(stack: StepContext['stack']): Promise<StackObservedState | undefined> {
    if (stack.observedState === 'deleted') return undefined;
    if (stack.url && (await deps.probe(`${stack.url}/health`))) return 'running';
    try {
      const { state } = await deps.orchestrator.inspect(stack.environment, stack.name);
      return observedFrom(state, stack);
    } catch (err) {
      deps.log.warn({ err: describe(err), stack: stack.name }, 'cannot inspect the stack after a failure: observed state left unchanged');
      return undefined;
    }
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

/** The orchestrator's view of a stack whose health URL does not answer. */
function observedFrom(state: InstanceState, stack: Pick<StepContext['stack'], 'desiredState' | 'observedState'>): StackObservedState {
  switch (state) {
    case 'running':
    case 'starting':
    case 'unhealthy':
      return 'degraded';
    case 'exited':
      return stack.desiredState === 'stopped' ? 'stopped' : 'down';
    case 'missing':
      // A creation rolled back never left an instance: it stays `failed`.
      return stack.observedState === 'failed' ? 'failed' : 'down';
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
