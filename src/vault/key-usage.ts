// What each master key protects (`erpbtp keys status`): whether a rotation is unfinished, which old keys may be
// retired, and whether some secrets name a key the ring lacks.
import { count } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { credentials } from '../db/schema.ts';
import type { KeyRing } from './key-ring.ts';

export type KeyState =
  | 'current' // encrypts new secrets
  | 'old' // still protects secrets: needed until the rotation completes
  | 'retirable' // in the ring, no secret uses it
  | 'missing'; // secrets use it but the ring lacks it: they cannot be read

export interface KeyUsage {
  keyId: string;
  secrets: number;
  state: KeyState;
}

export interface KeyUsageReport {
  currentId: string;
  /** The current key first, then the ring's other keys in ring order, then the missing ones. */
  keys: KeyUsage[];
  /** Secrets on another key than the current one: while above zero, a rotation is unfinished. */
  pending: number;
}

export async function countSecretsByKey(ex: Executor): Promise<Map<string, number>> {
  const rows = await ex.select({ keyId: credentials.keyId, secrets: count() }).from(credentials).groupBy(credentials.keyId);
  return new Map(rows.map((row) => [row.keyId, row.secrets]));
}

export function describeKeyUsage(keyRing: KeyRing, counts: ReadonlyMap<string, number>): KeyUsageReport {
  const { currentId, ids } = keyRing;
  const stateOf = (keyId: string, secrets: number): KeyState =>
    keyId === currentId ? 'current' : !ids.includes(keyId) ? 'missing' : secrets > 0 ? 'old' : 'retirable';
  const order = [currentId, ...ids.filter((id) => id !== currentId), ...[...counts.keys()].filter((id) => !ids.includes(id))];
  const keys = order.map((keyId) => {
    const secrets = counts.get(keyId) ?? 0;
    return { keyId, secrets, state: stateOf(keyId, secrets) };
  });
  const pending = keys.filter((k) => k.state !== 'current').reduce((sum, k) => sum + k.secrets, 0);
  return { currentId, keys, pending };
}
