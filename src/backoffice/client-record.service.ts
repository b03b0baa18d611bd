// The client page's data: who the client is, their subscription, their instance and its
// history, the usage it reports, the e-mails sent to them and what staff did to their account.
// For a client whose personal data was erased (RGPD): its anonymised record (every subscription, with plans, prices
// and dates) and where the deletion of each of its instances stands.
import type { Actor } from '../audit/actor.ts';
import { listAudit } from '../audit/audit.repository.ts';
import { latestDeletions } from '../clients/client-erasure.repository.ts';
import { listClientStacks, listClientSubscriptions } from '../clients/clients.repository.ts';
import type { Db } from '../db/database.ts';
import type { Plan } from '../plans/plan.ts';
import { findPlan } from '../plans/plans.ts';
import type { HealthHistory } from '../monitoring/health-history.ts';
import type { Orchestrator, StackStatus } from '../provisioning/orchestrator.ts';
import type { StackRow } from '../provisioning/stacks.repository.ts';
import { listUsageSamples } from '../quotas/quotas.repository.ts';
import { requirePermission } from '../staff/access.ts';
import type { SubscriptionRow } from '../subscriptions/subscriptions.repository.ts';
import { getClientRecord, listClientEmails, listStackDeployments } from './client-record.repository.ts';
import { type DeploymentSummary, getDeploymentSummary } from './deployments-board.repository.ts';

/** The orchestrator is asked with a deadline: a slow Portainer must not hold the page. */
const INSTANCE_TIMEOUT_MS = 3_000;
const LOG_LINES = 50;
/** The usage card's history: instances report hourly, so about the last ten hours. */
const USAGE_SAMPLES = 10;

export type InstanceView = { status: StackStatus; logs: string } | { error: string };

/** What is left of an erased client, and where the deletion of its instances stands. */
export interface ErasureView {
  erasedAt: Date;
  /** Every subscription it had, newest first: the accounting record. */
  subscriptions: SubscriptionRow[];
  /** Every instance it had, oldest first, with the latest deletion asked for it (none: not asked yet). */
  instances: { stack: StackRow; deletion: DeploymentSummary | undefined }[];
}

export function createClientRecordService(deps: {
  db: Db; plans: readonly Plan[]; orchestrator: Pick<Orchestrator, 'inspect' | 'logs'>;
  /** The instance card's uptime and timeline (src/monitoring); without it the card shows none. */
  healthHistory?: Pick<HealthHistory, 'forStack'>;
}) {
  async function erasure(clientId: number, erasedAt: Date): Promise<ErasureView> {
    const [subscriptions, stacks, deletionIds] = await Promise.all([
      listClientSubscriptions(deps.db, clientId), listClientStacks(deps.db, clientId), latestDeletions(deps.db, clientId),
    ]);
    const deletions = (await Promise.all(deletionIds.map((id) => getDeploymentSummary(deps.db, id)))).filter((d) => d !== undefined);
    return { erasedAt, subscriptions, instances: stacks.map((stack) => ({ stack, deletion: deletions.find((d) => d.stackId === stack.id) })) };
  }

  async function get(actor: Actor, clientId: number) {
    requirePermission(actor, 'dashboard:read');
    const record = await getClientRecord(deps.db, clientId);
    if (!record) return undefined;
    const { erasedAt } = record.client;
    const [deployments, emails, audit, usage, erased] = await Promise.all([
      record.stack ? listStackDeployments(deps.db, record.stack.id, 20) : [],
      listClientEmails(deps.db, clientId, 50),
      listAudit(deps.db, { clientId, limit: 100 }),
      record.stack && !erasedAt ? listUsageSamples(deps.db, record.stack.id, USAGE_SAMPLES) : [],
      erasedAt ? erasure(clientId, erasedAt) : undefined,
    ]);
    if (erased) return { ...record, plan: undefined, deployments, emails, audit, usage, health: undefined, erasure: erased };
    const plan = record.subscription ? findPlan(deps.plans, record.subscription.plan) : undefined;
    const health = record.stack && deps.healthHistory ? await deps.healthHistory.forStack(record.stack.id) : undefined;
    return { ...record, plan, deployments, emails, audit, usage, health, erasure: undefined };
  }

  /** Containers and the last log lines, straight from the orchestrator. */
  async function instance(actor: Actor, stack: { environment: string; name: string }): Promise<InstanceView> {
    requirePermission(actor, 'dashboard:read');
    const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), INSTANCE_TIMEOUT_MS).unref());
    try {
      const [status, logs] = await Promise.race([
        Promise.all([deps.orchestrator.inspect(stack.environment, stack.name), deps.orchestrator.logs(stack.environment, stack.name, { tail: LOG_LINES })]),
        deadline,
      ]);
      return { status, logs };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }

  return { get, instance };
}

export type ClientRecordService = ReturnType<typeof createClientRecordService>;
export type ClientRecord = NonNullable<Awaited<ReturnType<ClientRecordService['get']>>>;
