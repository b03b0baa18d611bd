// The master keys the vault may decrypt with, one of them current (used to encrypt). Old keys stay in the
// ring after a rotation so that ciphertexts written before it remain readable.
import { createSecretKey, type KeyObject } from 'node:crypto';
import { type Stats, statSync } from 'node:fs';
import { createKeyFile, readKeyFile, replaceKeyFile, tightenKeyFileMode, type KeyFileContent } from './key-file.ts';
import { decodeKey, generateKey, isValidKeyId, KEY_ID_RULE, nextKeyId } from './key-material.ts';

export interface VaultLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export class KeyRing {
  readonly currentId: string;
  // Private and held as KeyObjects: logging or inspecting a KeyRing can never print key material.
  readonly #keys: ReadonlyMap<string, KeyObject>;
  readonly #latest: (() => KeyRing) | undefined;

  /** Copies the keys; the caller may wipe its buffers afterwards. `latest` gives the ring's newer versions. */
  constructor(currentId: string, keys: Iterable<readonly [string, Buffer]>, latest?: () => KeyRing) {
    const map = new Map<string, KeyObject>();
    for (const [id, key] of keys) map.set(id, createSecretKey(key));
    if (!map.has(currentId)) throw new RangeError(`KeyRing: current key id "${currentId}" is not in the ring`);
    this.currentId = currentId;
    this.#keys = map;
    this.#latest = latest;
  }

  /**
   * The ring to use now. A ring loaded by `loadKeyRing` from a key file answers with the file's latest content,
   * so a running platform learns the key `erpbtp keys rotate` adds; any other ring answers with itself.
   */
  latest(): KeyRing {
    return this.#latest?.() ?? this;
  }

  get ids(): string[] {
    return [...this.#keys.keys()];
  }

  get(id: string): KeyObject | undefined {
    return this.#keys.get(id);
  }
}

const MASTER_KEY_FORMAT =
  'Expected one base64-encoded 32-byte key (e.g. the output of `openssl rand -base64 32`), or a comma-separated ' +
  'list "id:base64,id:base64" whose first entry is the current key';

/** Parses the MASTER_KEY environment value. Errors never quote it: any part of it may be key material. */
export function parseMasterKey(value: string): KeyRing {
  const fail = (problem: string): Error => new Error(`Invalid MASTER_KEY: ${problem}. ${MASTER_KEY_FORMAT}`);
  const text = value.trim();
  if (text === '') throw fail('it is empty');
  const single = !text.includes(':') && !text.includes(',');
  const entries = single ? [['k1', text] as const] : text.split(',').map((entry, i) => splitEntry(entry, i, fail));
  const keys: [string, Buffer][] = [];
  for (const [i, [id, encoded]] of entries.entries()) {
    if (keys.some(([seen]) => seen === id)) throw fail(`key id "${id}" appears twice`);
    const decoded = decodeKey(encoded);
    if ('problem' in decoded) throw fail(single ? `the key ${decoded.problem}` : `entry ${i + 1} ${decoded.problem}`);
    keys.push([id, decoded.key]);
  }
  return ringFrom(keys[0]?.[0] ?? 'k1', keys);
}

function splitEntry(entry: string, index: number, fail: (problem: string) => Error): readonly [string, string] {
  const colon = entry.indexOf(':');
  if (colon < 0) throw fail(`entry ${index + 1} is not "id:base64"`);
  const id = entry.slice(0, colon).trim();
  if (!isValidKeyId(id)) throw fail(`entry ${index + 1} has an invalid key id (${KEY_ID_RULE})`);
  return [id, entry.slice(colon + 1).trim()];
}

export interface LoadKeyRingOptions {
  /** The MASTER_KEY environment value; pass undefined when unset. It takes precedence over keyFile. */
  masterKey?: string | undefined;
  /** Embedded mode: path of the key file, e.g. `<DATA_DIR>/master-key.json`, created if missing. */
  keyFile?: string | undefined;
  log: VaultLogger;
}

/** Loads the key ring at startup (synchronously: nothing can run before it anyway). */
export function loadKeyRing(options: LoadKeyRingOptions): { keyRing: KeyRing; created: boolean } {
  const { masterKey, keyFile, log } = options;
  if (masterKey !== undefined) {
    const keyRing = parseMasterKey(masterKey);
    log.info({ source: 'MASTER_KEY', currentKeyId: keyRing.currentId, keyIds: keyRing.ids }, 'master key loaded');
    return { keyRing, created: false };
  }
  if (keyFile === undefined) {
    throw new Error('No master key: set MASTER_KEY, or give a key file path (embedded mode)');
  }
  const created = createKeyFile(keyFile, { current: 'k1', keys: { k1: generateKey() } });
  if (created) {
    // Without this file no stored secret can be decrypted: the operator must include it in backups.
    log.info({ path: keyFile, keyId: 'k1', backup: 'required' }, 'master key file created');
  } else {
    tightenKeyFileMode(keyFile, log);
  }
  const keyRing = followKeyFile(keyFile)();
  if (!created) {
    log.info({ path: keyFile, currentKeyId: keyRing.currentId, keyIds: keyRing.ids }, 'master key file loaded');
  }
  return { keyRing, created };
}

/**
 * Adds a fresh key to the key file and makes it current (`erpbtp keys rotate`). Previous keys are kept, so
 * existing ciphertexts stay readable; running processes see the new file through `KeyRing.latest()`.
 * Not safe against two concurrent calls on the same file: `keys rotate` holds a database lock around it.
 */
export function addKey(keyFile: string): { keyId: string; keyRing: KeyRing } {
  const content = readKeyFile(keyFile);
  const keyId = nextKeyId(Object.keys(content.keys));
  const next: KeyFileContent = { current: keyId, keys: { ...content.keys, [keyId]: generateKey() } };
  replaceKeyFile(keyFile, next);
  return { keyId, keyRing: ringFromFile(next) };
}

/**
 * The key file's ring, read again only when the file was replaced: each write renames a new file into place
 * (a new inode), so a stat per call is enough to notice a rotation.
 */
function followKeyFile(path: string): () => KeyRing {
  let seen = '';
  let ring: KeyRing | undefined;
  const latest = (): KeyRing => {
    // Stat before reading: a replacement in between is read now and noticed again on the next call.
    const { ino, mtimeMs, size } = statKeyFile(path);
    const stamp = `${ino}:${mtimeMs}:${size}`;
    if (ring === undefined || stamp !== seen) {
      ring = ringFromFile(readKeyFile(path), latest);
      seen = stamp;
    }
    return ring;
  };
  return latest;
}

// A key file removed under a running platform must stop it from writing secrets, loudly: its next start would
// create a fresh key file that opens none of them.
function statKeyFile(path: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`Cannot read master key file ${path}: ${code}`, { cause: error });
  }
}

function ringFromFile(content: KeyFileContent, latest?: () => KeyRing): KeyRing {
  const keys: [string, Buffer][] = [];
  for (const [id, encoded] of Object.entries(content.keys)) {
    const decoded = decodeKey(encoded);
    if ('key' in decoded) keys.push([id, decoded.key]); // readKeyFile already rejected bad keys
  }
  return ringFrom(content.current, keys, latest);
}

function ringFrom(currentId: string, keys: [string, Buffer][], latest?: () => KeyRing): KeyRing {
  try {
    return new KeyRing(currentId, keys, latest);
  } finally {
    for (const [, key] of keys) key.fill(0);
  }
}
