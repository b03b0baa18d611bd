// The REST API's use cases on existing stacks: read them (one, a filtered page, the live status) and
// operate them (suspend, resume, redeploy, delete) through the same deployments as the dashboard.
import type pg from 'pg';
import type { Actor } from '../../audit/actor.ts';
import { recordAudit } from '../../audit/audit.repository.ts';
import { getDeploymentSummary } from '../../backoffice/deployments-board.repository.ts';
import type { Db, Executor } from '../../db/database.ts';
import { AppError, ConflictError } from '../../errors.ts';
import { t } from '../../i18n/index.ts';
import type { Queue } from '../../jobs/queue.ts';
import { listSteps } from '../../provisioning/deployment-steps.repository.ts';
import type { Orchestrator, StackStatus } from '../../provisioning/orchestrator.ts';
import { requestStackOperation, type StackOperation } from '../../provisioning/stack-operations.ts';
import { requireScope } from '../../staff/access.ts';
import { deploymentView, stackView } from './api-views.ts';
import type { StackAcceptedView, StackListQuery, StackListView, StackStatusView, StackView } from './schemas/stacks.schemas.ts';
import { activeDeploymentOf, findStackById, findStackByName, latestRecordedHealthCheck, listStacks, type StackRecord } from './stacks-api.repository.ts';

/** The orchestrator is asked with a deadline: a slow Portainer must not hold the answer. */
const INSTANCE_TIMEOUT_MS = 3_000;
const DEFAULT_PAGE = 50;

export interface StacksApiDeps {
  db: Db;
  pool: pg.Pool;
  queue: Pick<Queue, 'send'>;
  orchestrator: Pick<Orchestrator, 'inspect'>;
}

export function stackNotFound(name: string): AppError {
  return new AppError(404, 'stack-not-found', t('api.error.stackNotFound', { name }));
}

/** The cursor is the last id of the page, opaque to callers (its form may change). */
export function encodeCursor(id: number): string {
  return Buffer.from(JSON.stringify({ after: id })).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const after = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown }).after;
    if (typeof after === 'number' && Number.isSafeInteger(after) && after >= 0) return after;
  } catch {
    // Not ours: refused below.
  }
  throw new AppError(400, 'invalid-cursor', t('api.error.invalidCursor'));
}

/** What a 202 answers: the stack as it is now and the deployment that will do the work. */
export async function acceptedView(ex: Executor, stack: number | StackRecord, deploymentId: number): Promise<StackAcceptedView> {
  // One after the other: inside a transaction, `ex` is a single connection.
  const record = typeof stack === 'number' ? await findStackById(ex, stack) : stack;
  const summary = await getDeploymentSummary(ex, deploymentId);
  const steps = await listSteps(ex, deploymentId);
  return { stack: stackView(record!), deployment: deploymentView(summary!, steps) };
}

export function createStacksApi(deps: StacksApiDeps) {
  async function find(name: string): Promise<StackRecord> {
    const record = await findStackByName(deps.db, name);
    if (!record) throw stackNotFound(name);
    return record;
  }

  async function list(actor: Actor, query: StackListQuery): Promise<StackListView> {
    requireScope(actor, 'stacks:read');
    const limit = query.limit ?? DEFAULT_PAGE;
    const rows = await listStacks(deps.db, { status: query.status, plan: query.plan, search: query.search }, decodeCursor(query.cursor), limit + 1);
    const page = rows.slice(0, limit);
    return { items: page.map(stackView), nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.stack.id) : null };
  }

  async function get(actor: Actor, name: string): Promise<StackView> {
    requireScope(actor, 'stacks:read');
    return stackView(await find(name));
  }

  async function inspect(record: StackRecord): Promise<{ instance: StackStatus | null; error: string | null }> {
    if (record.stack.observedState === 'deleted') return { instance: null, error: null };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), INSTANCE_TIMEOUT_MS); });
    try {
      return { instance: await Promise.race([deps.orchestrator.inspect(record.stack.environment, record.stack.name), deadline]), error: null };
    } catch (error) {
      return { instance: null, error: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }

  async function status(actor: Actor, name: string): Promise<StackStatusView> {
    requireScope(actor, 'stacks:read');
    const record = await find(name);
    const { stack } = record;
    const [live, check, active] = await Promise.all([inspect(record), latestRecordedHealthCheck(deps.db, stack.id), activeDeploymentOf(deps.db, stack.id)]);
    return {
      name: stack.name, url: stack.url, desiredState: stack.desiredState, observedState: stack.observedState,
      instance: live.instance && { state: live.instance.state, containers: live.instance.containers.map((c) => ({ name: c.name, state: c.state, status: c.status })) },
      instanceError: live.error,
      health: {
        status: (stack.healthStatus ?? null) as StackStatusView['health']['status'],
        checkedAt: stack.healthCheckedAt?.toISOString() ?? null,
        consecutiveFailures: stack.healthFailures,
        lastRecordedCheck: check ? { ...check, checkedAt: check.checkedAt.toISOString() } : null,
      },
      currentDeployment: active ?? null,
    };
  }

  /** Queues the operation, audited in its transaction; refuses what makes no sense now (409). */
  async function operate(actor: Actor, name: string, kind: StackOperation): Promise<StackAcceptedView> {
    requireScope(actor, 'stacks:write');
    const { stack } = await find(name);
    const outcome = await requestStackOperation(deps.pool, deps.queue, stack.id, kind, (tx, deploymentId) =>
      recordAudit(tx, actor, { action: `stack.${kind}Requested`, target: { type: 'stack', id: stack.name }, clientId: stack.clientId, details: { deployment: deploymentId } }));
    switch (outcome.status) {
      case 'queued': return acceptedView(deps.db, stack.id, outcome.deploymentId);
      case 'not-found': throw stackNotFound(name);
      case 'busy': throw new ConflictError('operation-in-progress', t('api.error.busy', { name, id: outcome.deploymentId }));
      case 'invalid-state': throw new ConflictError('invalid-state', t('api.error.invalidState', { name, state: outcome.observedState, operation: kind }));
    }
  }

  return { list, get, status, operate };
}

export type StacksApi = ReturnType<typeof createStacksApi>;
