// `Idempotency-Key` records, per API key: the request's hash and, once its transaction commits, its answer.
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database.ts';
import { idempotencyKeys } from '../../db/schema.ts';

export interface IdempotencyRecord {
  requestHash: string;
  statusCode: number | null;
  response: unknown;
}

export async function findIdempotencyRecord(ex: Executor, apiKeyId: number, key: string, since: Date): Promise<IdempotencyRecord | undefined> {
  const [row] = await ex.select({ requestHash: idempotencyKeys.requestHash, statusCode: idempotencyKeys.statusCode, response: idempotencyKeys.response })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.apiKeyId, apiKeyId), eq(idempotencyKeys.key, key), gt(idempotencyKeys.createdAt, since)));
  return row;
}

/**
 * Inserts the key's row, after removing its record if older than `since` (the window is over, the key may serve
 * again). A concurrent transaction holding the same key makes this wait until it ends; false when the key was taken.
 * Other expired records are purged on the way, a few at a time, skipping any a concurrent request is purging.
 */
export async function insertIdempotencyKey(ex: Executor, apiKeyId: number, key: string, requestHash: string, since: Date): Promise<boolean> {
  await ex.delete(idempotencyKeys).where(and(eq(idempotencyKeys.apiKeyId, apiKeyId), eq(idempotencyKeys.key, key), lte(idempotencyKeys.createdAt, since)));
  await ex.execute(sql`delete from ${idempotencyKeys} where ctid in (
    select ctid from ${idempotencyKeys} where ${idempotencyKeys.createdAt} <= ${since.toISOString()}::timestamptz limit 100 for update skip locked)`);
  const rows = await ex.insert(idempotencyKeys).values({ apiKeyId, key, requestHash }).onConflictDoNothing().returning({ key: idempotencyKeys.key });
  return rows.length === 1;
}

export async function storeIdempotentAnswer(ex: Executor, apiKeyId: number, key: string, statusCode: number, response: unknown): Promise<void> {
  await ex.update(idempotencyKeys).set({ statusCode, response }).where(and(eq(idempotencyKeys.apiKeyId, apiKeyId), eq(idempotencyKeys.key, key)));
}
