// The REST API's keys: `ebk_<prefix>_<secret>`. The prefix (8 random characters) is stored in clear
// to tell keys apart in lists; the secret is 32 random bytes (256 bits).
//
// Only the SHA-256 of the whole key is stored. A slow password hash (argon2) protects low-entropy
// secrets chosen by people against guessing; a 256-bit random key cannot be guessed, so a fast hash
// is as safe here, and it lets every API request be checked by one indexed lookup.
import { createHash, randomBytes } from 'node:crypto';

const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const KEY_SHAPE = /^ebk_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  /** The key itself: shown once, never stored. */
  key: string;
  /** `ebk_<prefix>`, stored and shown. */
  prefix: string;
  hash: string;
}

export function newApiKey(): NewApiKey {
  const bytes = randomBytes(8);
  const prefix = `ebk_${Array.from(bytes, (b) => PREFIX_ALPHABET[b % PREFIX_ALPHABET.length]).join('')}`;
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Cheap shape check before touching the database. */
export function looksLikeApiKey(key: string): boolean {
  return KEY_SHAPE.test(key);
}
