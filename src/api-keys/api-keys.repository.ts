// API keys: inserted once, read by hash at each request, revoked by a date (never deleted: the
// audit log and idempotency records refer to them).
import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { type ApiScope, apiKeys } from '../db/schema.ts';

export type ApiKeyRow = typeof apiKeys.$inferSelect;
/** A key as lists show it: everything but its hash. */
export type ApiKeyListing = Omit<ApiKeyRow, 'keyHash'>;

const listing = {
  id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, scopes: apiKeys.scopes, expiresAt: apiKeys.expiresAt,
  lastUsedAt: apiKeys.lastUsedAt, createdBy: apiKeys.createdBy, createdAt: apiKeys.createdAt, revokedAt: apiKeys.revokedAt,
};

export async function insertApiKey(ex: Executor, data: {
  name: string; prefix: string; keyHash: string; scopes: ApiScope[]; expiresAt: Date | null; createdBy: number | null;
}): Promise<ApiKeyListing> {
  const [row] = await ex.insert(apiKeys).values(data).returning(listing);
  return row!;
}

export function listApiKeys(ex: Executor): Promise<ApiKeyListing[]> {
  return ex.select(listing).from(apiKeys).orderBy(desc(apiKeys.id));
}

export async function findApiKeyByHash(ex: Executor, keyHash: string): Promise<ApiKeyListing | undefined> {
  const [row] = await ex.select(listing).from(apiKeys).where(eq(apiKeys.keyHash, keyHash));
  return row;
}

/** Sets the revocation date of a live key; undefined when there is no such key or it was already revoked. */
export async function revokeApiKey(ex: Executor, id: number, at: Date): Promise<ApiKeyListing | undefined> {
  const [row] = await ex.update(apiKeys).set({ revokedAt: at }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).returning(listing);
  return row;
}

export async function getApiKey(ex: Executor, id: number): Promise<ApiKeyListing | undefined> {
  const [row] = await ex.select(listing).from(apiKeys).where(eq(apiKeys.id, id));
  return row;
}

/** Records a use, unless one was recorded less than `minAgeMs` ago: a busy key costs one write a minute, not one per request. */
export async function touchApiKey(ex: Executor, id: number, at: Date, minAgeMs: number): Promise<void> {
  await ex.update(apiKeys).set({ lastUsedAt: at })
    .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(at.getTime() - minAgeMs)))));
}
