// The tracking page is a capability URL: whoever holds the token sees the deployment.
// 32 random bytes (256 bits); only its SHA-256 is stored.
import { createHash, randomBytes } from 'node:crypto';

export function newTrackingToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashTrackingToken(token) };
}

export function hashTrackingToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Cheap shape check before touching the database. */
export function looksLikeTrackingToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
