// Bearer tokens (sessions, one-time links, capability URLs): 32 random bytes (256 bits),
// base64url. Only their SHA-256 is stored: a copy of the database opens nothing.
import { createHash, randomBytes } from 'node:crypto';

export function newBearerToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashBearerToken(token) };
}

export function hashBearerToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Cheap shape check before touching the database. */
export function looksLikeBearerToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
