// Stateless sessions: a cookie signed with SECRET_KEY (HMAC by @fastify/cookie) holding the user id,
// the user's session version (bumped on password change, which signs out older cookies) and the issue
// time (sessions last at most SESSION_MAX_AGE_S).
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'erp_session';
export const SESSION_MAX_AGE_S = 12 * 60 * 60;

export interface SessionData {
  userId: string;
  version: number;
  issuedAt: number;
}

export function cookieOptions(secure: boolean, maxAge?: number) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, signed: true, ...(maxAge === undefined ? {} : { maxAge }) };
}

export function readSession(request: FastifyRequest, nowMs = Date.now()): SessionData | null {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return null;
  const match = /^(\d{1,19})\.(\d{1,9})\.(\d{1,12})$/.exec(unsigned.value);
  if (!match) return null;
  const session = { userId: match[1] ?? '', version: Number(match[2]), issuedAt: Number(match[3]) };
  const age = nowMs / 1000 - session.issuedAt;
  return age >= -60 && age <= SESSION_MAX_AGE_S ? session : null;
}

export function writeSession(reply: FastifyReply, userId: string, version: number, secure: boolean): void {
  const value = `${userId}.${version}.${Math.floor(Date.now() / 1000)}`;
  reply.setCookie(SESSION_COOKIE, value, cookieOptions(secure, SESSION_MAX_AGE_S));
}

export function clearSession(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(secure));
}
