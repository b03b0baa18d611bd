// API keys: created by an owner or admin (dashboard or CLI) and shown once, listed, revoked; and
// checked at each API request. Every creation and revocation is audited.
import type { Actor } from '../audit/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import { type ApiScope, apiScopes } from '../db/schema.ts';
import { requirePermission } from '../staff/access.ts';
import { hashApiKey, looksLikeApiKey, newApiKey } from './api-key-token.ts';
import { type ApiKeyListing, findApiKeyByHash, insertApiKey, listApiKeys, revokeApiKey, touchApiKey } from './api-keys.repository.ts';

export type { ApiKeyListing } from './api-keys.repository.ts';

export const API_KEY_NAME_MAX = 100;
/** `last_used_at` is precise to this much: enough to spot an unused key, without a write per request. */
const LAST_USE_PRECISION_MS = 60_000;

export type ApiKeyProblem = 'name' | 'scopes' | 'expiry';
export type CreateApiKeyResult =
  | { status: 'created'; key: string; apiKey: ApiKeyListing }
  | { status: 'invalid'; problems: ApiKeyProblem[] };
export type RevokeApiKeyResult = 'done' | 'not-found';
export type ApiKeyState = 'active' | 'expired' | 'revoked';

/** The key presented to the API: its identity and scopes, or why it opens nothing. */
export type ApiKeyCheck =
  | { status: 'valid'; key: { id: number; name: string; scopes: ApiScope[] } }
  | { status: 'unknown' | 'expired' | 'revoked' };

export interface NewApiKeyInput {
  name: string;
  scopes: readonly string[];
  expiresAt?: Date | null;
}

export function apiKeyState(key: Pick<ApiKeyListing, 'revokedAt' | 'expiresAt'>, now: Date): ApiKeyState {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

function validate(input: NewApiKeyInput, now: Date): { problems: ApiKeyProblem[]; name: string; scopes: ApiScope[] } {
  const problems: ApiKeyProblem[] = [];
  const name = input.name.trim().replace(/\s+/g, ' ');
  // Control characters would garble lists and the audit log.
  if (!name || name.length > API_KEY_NAME_MAX || /\p{Cc}/u.test(name)) problems.push('name');
  const scopes = apiScopes.filter((scope) => input.scopes.includes(scope));
  if (scopes.length === 0 || input.scopes.some((scope) => !(apiScopes as readonly string[]).includes(scope))) problems.push('scopes');
  if (input.expiresAt && !(input.expiresAt.getTime() > now.getTime())) problems.push('expiry');
  return { problems, name, scopes };
}

export function createApiKeysService(deps: { db: Db; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());

  async function create(actor: Actor, input: NewApiKeyInput): Promise<CreateApiKeyResult> {
    requirePermission(actor, 'api-keys:manage');
    const { problems, name, scopes } = validate(input, now());
    if (problems.length > 0) return { status: 'invalid', problems };
    const generated = newApiKey();
    const apiKey = await deps.db.transaction(async (tx) => {
      const row = await insertApiKey(tx, {
        name, prefix: generated.prefix, keyHash: generated.hash, scopes, expiresAt: input.expiresAt ?? null,
        createdBy: actor.type === 'staff' ? actor.id : null,
      });
      await recordAudit(tx, actor, {
        action: 'apiKey.created', target: { type: 'api_key', id: row.id },
        details: { name, prefix: row.prefix, scopes: scopes.join(' '), expiresAt: row.expiresAt?.toISOString() ?? null },
      });
      return row;
    });
    return { status: 'created', key: generated.key, apiKey };
  }

  async function list(actor: Actor): Promise<ApiKeyListing[]> {
    requirePermission(actor, 'api-keys:manage');
    return listApiKeys(deps.db);
  }

  /** Revoking is immediate (the next request with the key is refused) and final. */
  async function revoke(actor: Actor, id: number): Promise<RevokeApiKeyResult> {
    requirePermission(actor, 'api-keys:manage');
    return deps.db.transaction(async (tx) => {
      const row = await revokeApiKey(tx, id, now());
      if (!row) return 'not-found';
      await recordAudit(tx, actor, { action: 'apiKey.revoked', target: { type: 'api_key', id }, details: { name: row.name, prefix: row.prefix } });
      return 'done';
    });
  }

  async function check(presented: string): Promise<ApiKeyCheck> {
    if (!looksLikeApiKey(presented)) return { status: 'unknown' };
    const row = await findApiKeyByHash(deps.db, hashApiKey(presented));
    if (!row) return { status: 'unknown' };
    const at = now();
    const state = apiKeyState(row, at);
    if (state !== 'active') return { status: state };
    if (!row.lastUsedAt || at.getTime() - row.lastUsedAt.getTime() >= LAST_USE_PRECISION_MS) {
      await touchApiKey(deps.db, row.id, at, LAST_USE_PRECISION_MS);
    }
    return { status: 'valid', key: { id: row.id, name: row.name, scopes: row.scopes } };
  }

  return { create, list, revoke, check };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
