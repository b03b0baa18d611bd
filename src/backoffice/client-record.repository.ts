// Everything the client page shows, read in a handful of indexed queries.
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { clients, deploymentEvents, deployments, deploymentSteps, emailOutbox, stacks, subscriptions } from '../db/schema.ts';

export type ClientRecordRow = NonNullable<Awaited<ReturnType<typeof getClientRecord>>>;

/** The client, its current subscription and its stack (the most recent one not deleted, else the latest). */
export async function getClientRecord(ex: Executor, clientId: number) {
  const [row] = await ex.select({ client: clients, subscription: subscriptions }).from(clients)
    .leftJoin(subscriptions, and(eq(subscriptions.clientId, clients.id), isNull(subscriptions.endedAt)))
    .where(eq(clients.id, clientId));
  if (!row) return undefined;
  const [stack] = await ex.select().from(stacks).where(eq(stacks.clientId, clientId))
    .orderBy(sql`${stacks.observedState} = 'deleted'`, desc(stacks.id)).limit(1);
  return { ...row, stack };
}

export async function listStackDeployments(ex: Executor, stackId: number, limit: number) {
  const rows = await ex.select().from(deployments).where(eq(deployments.stackId, stackId)).orderBy(desc(deployments.id)).limit(limit);
  if (rows.length === 0) return [];
  const ids = rows.map((d) => d.id);
  const [events, steps] = await Promise.all([
    ex.select().from(deploymentEvents).where(inArray(deploymentEvents.deploymentId, ids)).orderBy(deploymentEvents.id),
    ex.select().from(deploymentSteps).where(inArray(deploymentSteps.deploymentId, ids)).orderBy(deploymentSteps.position),
  ]);
  return rows.map((d) => ({ ...d, events: events.filter((e) => e.deploymentId === d.id), steps: steps.filter((s) => s.deploymentId === d.id) }));
}

export function listClientEmails(ex: Executor, clientId: number, limit: number) {
  return ex.select({
    id: emailOutbox.id, template: emailOutbox.template, recipients: emailOutbox.recipients, status: emailOutbox.status,
    attempts: emailOutbox.attempts, lastError: emailOutbox.lastError, sentAt: emailOutbox.sentAt, createdAt: emailOutbox.createdAt,
  }).from(emailOutbox).where(eq(emailOutbox.clientId, clientId)).orderBy(desc(emailOutbox.id)).limit(limit);
}
