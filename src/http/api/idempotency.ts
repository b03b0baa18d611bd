// `Idempotency-Key` (POST /stacks): the same key and the same body within 24 h get the same answer and
// create nothing more; the same key with another body is refused (422). The key's row is inserted first in
// the transaction that does the work and gets the answer before it commits: a concurrent duplicate waits on
// that row, then replays the answer, so two requests can never both create.
import { createHash } from 'node:crypto';
import type { Db, Executor } from '../../db/database.ts';
import { ConflictError, ValidationError } from '../../errors.ts';
import { t } from '../../i18n/index.ts';
import { findIdempotencyRecord, insertIdempotencyKey, storeIdempotentAnswer } from './idempotency.repository.ts';

export const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;

export interface IdempotencyRequest {
  apiKeyId: number;
  key: string;
  /** SHA-256 of the method, path and canonical body (`requestHash`). */
  requestHash: string;
}

/** What the work calls inside its transaction: `reserve` first, `complete` with the answer last. */
export interface IdempotencyGuard<T> {
  reserve(ex: Executor): Promise<void>;
  complete(ex: Executor, status: number, answer: T): Promise<void>;
}

/** JSON with object keys sorted at every level: two equal bodies hash the same whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method}\n${path}\n${canonicalJson(body)}`).digest('hex');
}

class KeyTaken extends Error {}

export function createIdempotency(deps: { db: Db; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const since = () => new Date(now().getTime() - IDEMPOTENCY_WINDOW_MS);

  /** The stored answer of this key, if its window is still open; a different body is refused. */
  async function replay<T>(request: IdempotencyRequest): Promise<T | undefined> {
    const record = await findIdempotencyRecord(deps.db, request.apiKeyId, request.key, since());
    if (!record) return undefined;
    if (record.requestHash !== request.requestHash) throw new ValidationError('idempotency-key-reused', t('api.problem.idempotency-key-reused.detail'));
    return record.response as T;
  }

  function guard<T>(request: IdempotencyRequest | undefined): IdempotencyGuard<T> {
    return {
      async reserve(ex) {
        if (request && !(await insertIdempotencyKey(ex, request.apiKeyId, request.key, request.requestHash, since()))) throw new KeyTaken();
      },
      async complete(ex, status, answer) {
        if (request) await storeIdempotentAnswer(ex, request.apiKeyId, request.key, status, answer);
      },
    };
  }

  /** Runs `work` once per key and body; `replayed` says the answer is a stored one. */
  async function once<T>(request: IdempotencyRequest | undefined, work: (guard: IdempotencyGuard<T>) => Promise<T>): Promise<{ answer: T; replayed: boolean }> {
    if (request) {
      const stored = await replay<T>(request);
      if (stored !== undefined) return { answer: stored, replayed: true };
    }
    try {
      return { answer: await work(guard<T>(request)), replayed: false };
    } catch (error) {
      if (!(error instanceof KeyTaken) || !request) throw error;
      // A concurrent request with this key committed first: its answer (or a 422 for another body).
      const stored = await replay<T>(request);
      if (stored !== undefined) return { answer: stored, replayed: true };
      throw new ConflictError('idempotency-key-in-use', t('api.problem.idempotency-key-reused.detail'));
    }
  }

  return { once };
}

export type Idempotency = ReturnType<typeof createIdempotency>;
