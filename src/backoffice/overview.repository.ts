// The overview's figures: a few aggregate queries, each served by an index or a small scan.
import { and, desc, eq, gte, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { clients, deployments, emailOutbox, stacks, subscriptions } from '../db/schema.ts';

export interface OverviewCounts {
  trials: number;
  paid: number;
  expiringSoon: number;
  failedDeployments: number;
  instancesDown: number;
}

export async function countOverview(ex: Executor, now: Date, soon: Date): Promise<OverviewCounts> {
  const [subs] = await ex.select({
    trials: sql<number>`count(*) filter (where ${subscriptions.status} = 'trialing')`.mapWith(Number),
    paid: sql<number>`count(*) filter (where ${subscriptions.status} = 'active')`.mapWith(Number),
    expiringSoon: sql<number>`count(*) filter (where ${subscriptions.status} = 'trialing' and ${subscriptions.trialEndsAt} between ${now} and ${soon})`.mapWith(Number),
  }).from(subscriptions).where(isNull(subscriptions.endedAt));
  const [instances] = await ex.select({
    failedDeployments: sql<number>`count(*) filter (where ${stacks.observedState} = 'failed')`.mapWith(Number),
    instancesDown: sql<number>`count(*) filter (where ${stacks.observedState} in ('down', 'degraded') and ${stacks.desiredState} = 'running')`.mapWith(Number),
  }).from(stacks).where(sql`${stacks.desiredState} <> 'deleted'`);
  return { ...subs!, ...instances! };
}

/** Signups and conversions per day (Europe/Paris) since `since`. Days without any are absent. */
export async function countDaily(ex: Executor, since: Date): Promise<{ signups: Map<string, number>; conversions: Map<string, number> }> {
  const day = (column: typeof clients.createdAt | typeof subscriptions.convertedAt) => sql<string>`to_char(${column} at time zone 'Europe/Paris', 'YYYY-MM-DD')`;
  const signups = await ex.select({ day: day(clients.createdAt), n: sql<number>`count(*)`.mapWith(Number) })
    .from(clients).where(gte(clients.createdAt, since)).groupBy(sql`1`);
  const conversions = await ex.select({ day: day(subscriptions.convertedAt), n: sql<number>`count(*)`.mapWith(Number) })
    .from(subscriptions).where(gte(subscriptions.convertedAt, since)).groupBy(sql`1`);
  return {
    signups: new Map(signups.map((r) => [r.day, r.n])),
    conversions: new Map(conversions.map((r) => [r.day, r.n])),
  };
}

const deploymentSummary = {
  id: deployments.id, kind: deployments.kind, state: deployments.state, currentStep: deployments.currentStep,
  error: deployments.error, createdAt: deployments.createdAt, startedAt: deployments.startedAt, finishedAt: deployments.finishedAt,
  stackName: stacks.name, clientId: clients.id, entreprise: clients.entreprise,
};

export function listActiveDeployments(ex: Executor, limit: number) {
  return ex.select(deploymentSummary).from(deployments)
    .innerJoin(stacks, eq(stacks.id, deployments.stackId)).innerJoin(clients, eq(clients.id, stacks.clientId))
    .where(inArray(deployments.state, ['queued', 'running', 'compensating'])).orderBy(deployments.id).limit(limit);
}

export type DeploymentSummary = Awaited<ReturnType<typeof listActiveDeployments>>[number];

export function listRecentFailures(ex: Executor, limit: number) {
  return ex.select(deploymentSummary).from(deployments)
    .innerJoin(stacks, eq(stacks.id, deployments.stackId)).innerJoin(clients, eq(clients.id, stacks.clientId))
    .where(eq(deployments.state, 'failed')).orderBy(desc(deployments.id)).limit(limit);
}

export function listDeadEmails(ex: Executor, limit: number) {
  return ex.select({ id: emailOutbox.id, template: emailOutbox.template, recipients: emailOutbox.recipients, lastError: emailOutbox.lastError, createdAt: emailOutbox.createdAt, clientId: emailOutbox.clientId })
    .from(emailOutbox).where(eq(emailOutbox.status, 'dead')).orderBy(desc(emailOutbox.id)).limit(limit);
}

export function listExpiringTrials(ex: Executor, now: Date, soon: Date, limit: number) {
  return ex.select({ clientId: clients.id, entreprise: clients.entreprise, plan: subscriptions.plan, trialEndsAt: subscriptions.trialEndsAt })
    .from(subscriptions).innerJoin(clients, eq(clients.id, subscriptions.clientId))
    .where(and(isNull(subscriptions.endedAt), eq(subscriptions.status, 'trialing'), gte(subscriptions.trialEndsAt, now), lte(subscriptions.trialEndsAt, soon)))
    .orderBy(subscriptions.trialEndsAt).limit(limit);
}
