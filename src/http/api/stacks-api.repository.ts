// What the REST API reads about stacks: one by name or id with its client and current subscription,
// pages of them under filters (keyset on the id: stable, never OFFSET), and their live details.
import { and, asc, desc, eq, gt, inArray, isNull, ne, or, type SQL, sql } from 'drizzle-orm';
import { union } from 'drizzle-orm/pg-core';
import type { Executor } from '../../db/database.ts';
import { auditLog, clients, deployments, healthChecks, type StackObservedState, stacks, subscriptions } from '../../db/schema.ts';

export type StackRecord = Awaited<ReturnType<typeof selectStacks>>[number];

function selectStacks(ex: Executor, where: SQL | undefined, limit?: number) {
  const query = ex.select({
    stack: stacks,
    client: { id: clients.id, entreprise: clients.entreprise },
    subscription: { plan: subscriptions.plan, status: subscriptions.status },
  }).from(stacks)
    .innerJoin(clients, eq(clients.id, stacks.clientId))
    .leftJoin(subscriptions, and(eq(subscriptions.clientId, stacks.clientId), isNull(subscriptions.endedAt)))
    .where(where).orderBy(asc(stacks.id));
  return limit === undefined ? query : query.limit(limit);
}

export async function findStackByName(ex: Executor, name: string): Promise<StackRecord | undefined> {
  return (await selectStacks(ex, eq(stacks.name, name)))[0];
}

export async function findStackById(ex: Executor, id: number): Promise<StackRecord | undefined> {
  return (await selectStacks(ex, eq(stacks.id, id)))[0];
}

export interface StackFilters {
  status?: StackObservedState;
  plan?: string;
  search?: string;
}

/** `%`, `_` and `\` are LIKE's own characters: searched for as themselves. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A run of three letters or digits: the search has trigrams, so the trigram indexes can find its matches. */
const HAS_TRIGRAM = /[\p{L}\p{N}]{3}/u;

export function listStacks(ex: Executor, filters: StackFilters, afterId: number, limit: number): Promise<StackRecord[]> {
  const where: SQL[] = [gt(stacks.id, afterId)];
  if (filters.status) where.push(eq(stacks.observedState, filters.status));
  if (filters.plan) where.push(eq(subscriptions.plan, filters.plan));
  if (!filters.search) return selectStacks(ex, and(...where), limit);
  const pattern = likePattern(filters.search);
  const inName = sql`${stacks.name} like ${pattern}`;
  const inCompany = sql`lower(${clients.entreprise}) like ${pattern}`;
  if (!HAS_TRIGRAM.test(filters.search)) {
    // One or two characters: no index can find them, and they match often: the first page comes soonest from one walk
    // in id order that tests both fields.
    where.push(or(inName, inCompany)!);
    return selectStacks(ex, and(...where), limit);
  }
  // The page is among the first `limit` matches by stack name and the first `limit` matches by company: each half has
  // its own plan (the trigram index of stacks.name, or of clients' company, when matches are rare; else a walk in id
  // order that stops early), instead of an OR across two tables that no index serves.
  const firstMatches = (match: SQL) => {
    const query = ex.select({ id: stacks.id }).from(stacks);
    const joined = filters.plan ? query.innerJoin(subscriptions, and(eq(subscriptions.clientId, stacks.clientId), isNull(subscriptions.endedAt))) : query;
    return joined.where(and(...where, match)).orderBy(asc(stacks.id)).limit(limit);
  };
  const companies = ex.select({ id: clients.id }).from(clients).where(inCompany);
  return selectStacks(ex, inArray(stacks.id, union(firstMatches(inName), firstMatches(inArray(stacks.clientId, companies)))), limit);
}

export async function latestRecordedHealthCheck(ex: Executor, stackId: number) {
  const [row] = await ex.select({
    ok: healthChecks.ok, checkedAt: healthChecks.checkedAt, httpStatus: healthChecks.httpStatus,
    latencyMs: healthChecks.latencyMs, instanceState: healthChecks.instanceState,
  }).from(healthChecks).where(eq(healthChecks.stackId, stackId)).orderBy(desc(healthChecks.checkedAt), desc(healthChecks.id)).limit(1);
  return row;
}

export async function activeDeploymentOf(ex: Executor, stackId: number) {
  const [row] = await ex.select({ id: deployments.id, kind: deployments.kind, state: deployments.state }).from(deployments)
    .where(and(eq(deployments.stackId, stackId), inArray(deployments.state, ['queued', 'running', 'compensating'])))
    .orderBy(desc(deployments.id)).limit(1);
  return row;
}


/** The client's stack that is not deleted, if any (one instance per client). */
export async function liveStackOf(ex: Executor, clientId: number): Promise<{ name: string } | undefined> {
  const [row] = await ex.select({ name: stacks.name }).from(stacks)
    .where(and(eq(stacks.clientId, clientId), ne(stacks.observedState, 'deleted'))).limit(1);
  return row;
}

/** Whether an API key created this stack (POST /stacks writes `stack.created` in the audit log, in its transaction). */
export async function createdThroughApi(ex: Executor, clientId: number, stackName: string): Promise<boolean> {
  const [row] = await ex.select({ id: auditLog.id }).from(auditLog)
    .where(and(eq(auditLog.clientId, clientId), eq(auditLog.action, 'stack.created'), eq(auditLog.actorType, 'api_key'),
      eq(auditLog.targetType, 'stack'), eq(auditLog.targetId, stackName)))
    .limit(1);
  return row !== undefined;
}
