// Shared rules for master keys and their ids, whatever their source (MASTER_KEY or the key file).
import { randomBytes } from 'node:crypto';

export const MASTER_KEY_BYTES = 32; // AES-256

// Ids travel inside every ciphertext, where "." separates the fields: keep them short and dot-free.
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
// Buffer.from(…, 'base64') silently skips invalid characters: check the text first.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

export function isValidKeyId(id: string): boolean {
  return KEY_ID.test(id);
}

export const KEY_ID_RULE = 'letters, digits, "_" or "-", at most 32 characters';

/** Decodes a base64 (or base64url) master key; the problem never quotes the text, which may be a key. */
export function decodeKey(text: string): { key: Buffer } | { problem: string } {
  if (!BASE64.test(text)) return { problem: 'is not valid base64' };
  const key = Buffer.from(text, 'base64');
  if (key.length !== MASTER_KEY_BYTES) {
    key.fill(0);
    return { problem: `decodes to ${key.length} bytes, expected ${MASTER_KEY_BYTES}` };
  }
  return { key };
}

export function generateKey(): string {
  return randomBytes(MASTER_KEY_BYTES).toString('base64');
}

/** Next id in the k1, k2, … sequence, never reusing an id (an old ciphertext would name the wrong key). */
export function nextKeyId(existing: Iterable<string>): string {
  let max = 0;
  for (const id of existing) {
    const match = /^k(\d+)$/.exec(id);
    if (match?.[1] !== undefined) max = Math.max(max, Number(match[1]));
  }
  return `k${max + 1}`;
}
