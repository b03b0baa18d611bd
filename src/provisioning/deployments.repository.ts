import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { clients, deploymentEvents, deployments, stacks, subscriptions } from '../db/schema.ts';

export type NewDeployment = typeof deployments.$inferInsert;
export type NewDeploymentEvent = typeof deploymentEvents.$inferInsert;
export type DeploymentEventRow = typeof deploymentEvents.$inferSelect;

export async function createDeployment(ex: Executor, data: NewDeployment): Promise<number> {
  const [row] = await ex.insert(deployments).values(data).returning({ id: deployments.id });
  return row!.id;
}

export async function addDeploymentEvent(ex: Executor, data: NewDeploymentEvent): Promise<DeploymentEventRow> {
  const [row] = await ex.insert(deploymentEvents).values(data).returning();
  return row!;
}

/** What the prospect's tracking page shows: the deployment, its stack and the company. */
export async function getTrackedDeployment(ex: Executor, trackingTokenHash: string) {
  const [row] = await ex
    .select({
      id: deployments.id,
      kind: deployments.kind,
      state: deployments.state,
      currentStep: deployments.currentStep,
      createdAt: deployments.createdAt,
      finishedAt: deployments.finishedAt,
      credentialsShownAt: deployments.credentialsShownAt,
      stackId: stacks.id,
      stackName: stacks.name,
      stackUrl: stacks.url,
      entreprise: clients.entreprise,
      prenom: clients.prenom,
    })
    .from(deployments)
    .innerJoin(stacks, eq(stacks.id, deployments.stackId))
    .innerJoin(clients, eq(clients.id, stacks.clientId))
    .where(eq(deployments.trackingTokenHash, trackingTokenHash));
  return row;
}

export async function listDeploymentEvents(ex: Executor, deploymentId: number, afterId = 0): Promise<DeploymentEventRow[]> {
  return ex
    .select()
    .from(deploymentEvents)
    .where(and(eq(deploymentEvents.deploymentId, deploymentId), gt(deploymentEvents.id, afterId)))
    .orderBy(asc(deploymentEvents.id));
}

export type DeploymentRow = typeof deployments.$inferSelect;

/**
 * Everything a saga step needs to know about its deployment, read fresh at each step. The subscription is the
 * client's current one, or its latest when none is current: a stack must stay operable (suspended, deleted) after
 * its subscription ended.
 */
export async function getDeploymentContext(ex: Executor, deploymentId: number) {
  const [row] = await ex
    .select({ deployment: deployments, stack: stacks, client: clients, subscription: subscriptions })
    .from(deployments)
    .innerJoin(stacks, eq(stacks.id, deployments.stackId))
    .innerJoin(clients, eq(clients.id, stacks.clientId))
    .innerJoin(subscriptions, eq(subscriptions.id, sql`(
      select s.id from ${subscriptions} s where s.client_id = ${clients.id}
      order by s.ended_at is null desc, s.id desc limit 1)`))
    .where(eq(deployments.id, deploymentId));
  return row;
}

export async function updateDeployment(ex: Executor, id: number, patch: Partial<typeof deployments.$inferInsert>): Promise<void> {
  await ex.update(deployments).set(patch).where(eq(deployments.id, id));
}

export async function updateStack(ex: Executor, id: number, patch: Partial<typeof stacks.$inferInsert>): Promise<void> {
  await ex.update(stacks).set({ ...patch, updatedAt: new Date() }).where(eq(stacks.id, id));
}

/** Deployments a crashed worker may have left half-way. */
export async function listUnfinishedDeployments(ex: Executor): Promise<{ id: number }[]> {
  return ex.select({ id: deployments.id }).from(deployments)
    .where(inArray(deployments.state, ['queued', 'running', 'compensating'])).orderBy(asc(deployments.id));
}

/** Marks the initial credentials as shown; true only for the one caller that did it. */
export async function markCredentialsShown(ex: Executor, deploymentId: number, at: Date): Promise<boolean> {
  const rows = await ex.update(deployments).set({ credentialsShownAt: at })
    .where(and(eq(deployments.id, deploymentId), isNull(deployments.credentialsShownAt)))
    .returning({ id: deployments.id });
  return rows.length === 1;
}
