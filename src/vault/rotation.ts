// Master key rotation (`erpbtp keys rotate`, docs/decisions/0009-key-rotation.md): re-encrypts every stored secret
// under the current key, one transaction per batch. An interrupted rotation keeps the batches it committed, and
// the next run carries on with the rows still on an older key instead of adding yet another key.
import { and, asc, eq, gt, ne } from 'drizzle-orm';
import type pg from 'pg';
import type { Database } from '../db/database.ts';
import { credentials } from '../db/schema.ts';
import { withTransaction } from '../db/transaction.ts';
import { credentialAad } from '../provisioning/stack-variables.ts';
import { type Cipher, createCipher } from './cipher.ts';
import { addKey, type KeyRing } from './key-ring.ts';
import { countSecretsByKey, describeKeyUsage, type KeyUsageReport } from './key-usage.ts';

const ROTATION_BATCH_SIZE = 200;
// Arbitrary constant, next to the migration lock (727_001): one rotation at a time, across hosts.
const ROTATION_LOCK = 727_002;

export interface ReencryptOptions {
  batchSize?: number;
  /** Called after each committed batch with the number of secrets re-encrypted so far. */
  onBatch?: (reencrypted: number) => void;
}

export interface RotationStart {
  /** The key every secret ends up on. */
  keyId: string;
  /** True when this run added the key to the key file; false when it finishes moving secrets to the current key. */
  added: boolean;
  /** Secrets to re-encrypt. */
  secrets: number;
}

export interface RotateOptions extends ReencryptOptions {
  /** Embedded mode: the key file a new key is added to. Undefined with MASTER_KEY, whose new key the operator adds. */
  keyFile: string | undefined;
  /** MASTER_KEY mode: the operator confirms that every platform process runs with the same key list. */
  confirmed: boolean;
  /** Called once the lock is held and the work decided, before the first batch. */
  onStart?: (start: RotationStart) => void;
}

export type RotationResult =
  | { outcome: 'busy' } // another `keys rotate` holds the lock
  | { outcome: 'missing-keys'; usage: KeyUsageReport } // secrets on a key the ring lacks: nothing can be done safely
  | { outcome: 'up-to-date'; usage: KeyUsageReport } // MASTER_KEY: nothing on an old key, the operator adds a key first
  | { outcome: 'needs-confirmation'; usage: KeyUsageReport } // MASTER_KEY: re-encryption waits for --confirm
  | { outcome: 'finished'; keyId: string; reencrypted: number } // secrets left on older keys moved to the current one
  | { outcome: 'rotated'; keyId: string; reencrypted: number }; // key added to the file, then everything moved to it

/**
 * One command for both cases, so an operator cannot get it wrong: a new key is added only when every secret is
 * already on the current key; otherwise the unfinished rotation is resumed.
 */
export async function rotateKeys(database: Database, keyRing: KeyRing, options: RotateOptions): Promise<RotationResult> {
  const { pool, db } = database;
  const locked = await withRotationLock(pool, async (): Promise<RotationResult> => {
    const ring = keyRing.latest();
    const usage = describeKeyUsage(ring, await countSecretsByKey(db));
    if (usage.keys.some((k) => k.state === 'missing')) return { outcome: 'missing-keys', usage };
    if (usage.pending > 0) {
      if (options.keyFile === undefined && !options.confirmed) return { outcome: 'needs-confirmation', usage };
      options.onStart?.({ keyId: ring.currentId, added: false, secrets: usage.pending });
      return { outcome: 'finished', keyId: ring.currentId, reencrypted: await reencryptSecrets(pool, ring, options) };
    }
    if (options.keyFile === undefined) return { outcome: 'up-to-date', usage };
    const added = addKey(options.keyFile);
    options.onStart?.({ keyId: added.keyId, added: true, secrets: usage.keys.reduce((sum, k) => sum + k.secrets, 0) });
    return { outcome: 'rotated', keyId: added.keyId, reencrypted: await reencryptSecrets(pool, added.keyRing, options) };
  });
  return locked ?? { outcome: 'busy' };
}

/** Re-encrypts every secret that is not on the ring's current key; returns how many it re-encrypted. */
async function reencryptSecrets(pool: pg.Pool, keyRing: KeyRing, options: ReencryptOptions = {}): Promise<number> {
  const cipher = createCipher(keyRing);
  const batchSize = options.batchSize ?? ROTATION_BATCH_SIZE;
  let total = 0;
  let pass = 0;
  let after = 0;
  for (;;) {
    const ids = await reencryptBatch(pool, cipher, keyRing.latest().currentId, after, batchSize);
    total += ids.length;
    pass += ids.length;
    if (ids.length > 0) options.onBatch?.(total);
    if (ids.length === batchSize) {
      after = ids.at(-1) ?? after;
      continue;
    }
    // End of a pass. Another one unless this one found nothing: a process that encrypted with the previous key
    // just before the rotation may have committed its row behind the cursor.
    if (pass === 0) break;
    pass = 0;
    after = 0;
  }
  return total;
}

/** One transaction: locks the next rows not on `currentId`, by id, and rewrites them; returns their ids. */
async function reencryptBatch(pool: pg.Pool, cipher: Cipher, currentId: string, after: number, limit: number): Promise<number[]> {
  return withTransaction(pool, async ({ tx }) => {
    const rows = await tx.select({ id: credentials.id, stackId: credentials.stackId, kind: credentials.kind, ciphertext: credentials.ciphertext })
      .from(credentials)
      .where(and(ne(credentials.keyId, currentId), gt(credentials.id, after)))
      .orderBy(asc(credentials.id))
      .limit(limit)
      .for('update');
    for (const row of rows) {
      const aad = credentialAad(row.stackId, row.kind);
      const ciphertext = cipher.encrypt(cipher.decrypt(row.ciphertext, aad), aad);
      await tx.update(credentials).set({ ciphertext, keyId: cipher.keyIdOf(ciphertext) }).where(eq(credentials.id, row.id));
    }
    return rows.map((row) => row.id);
  });
}

/** Runs `work` while holding the rotation lock; undefined when another rotation holds it. */
async function withRotationLock<T>(pool: pg.Pool, work: () => Promise<T>): Promise<T | undefined> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [ROTATION_LOCK]);
    if (!rows[0]?.locked) return undefined;
    try {
      return await work();
    } finally {
      await client.query('select pg_advisory_unlock($1)', [ROTATION_LOCK]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}
