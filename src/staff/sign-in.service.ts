// Signing in to the dashboard: password (argon2id), optional TOTP, throttling per account and
// per IP, server-side sessions with idle and absolute limits, a new session at every sign-in.
import type { Logger } from 'pino';
import type { Actor } from '../audit/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import type { Cipher } from '../vault/cipher.ts';
import { hashBearerToken, looksLikeBearerToken, newBearerToken } from '../vault/bearer-token.ts';
import { verifyPassword } from './passwords.ts';
import {
  createSession, deleteSession, deleteStaleSessions, deleteUserSessions, findOpenSession, markSecondFactorDone, touchSession,
} from './sessions.repository.ts';
import { clearLoginFailures, countLoginFailures, getStaffByEmail, recordLoginFailure, updateStaff, type StaffUser } from './staff.repository.ts';
import { acceptTotpCode } from './totp.ts';
import { totpAssociatedData } from './totp-secret.ts';

export interface SignInSettings {
  idleMinutes: number;
  maxHours: number;
}

export interface SignInDeps {
  db: Db;
  cipher: Cipher;
  log: Logger;
  now: () => Date;
  settings: SignInSettings;
}

/** Failed attempts tolerated in the window: per account (guessing one password), per IP (spraying many). */
const THROTTLE = { windowMinutes: 15, perAccount: 5, perIp: 30 };
/** Writing last_seen_at on every click would cost a write per page: once a minute is precise enough. */
const TOUCH_EVERY_MS = 60_000;

export type SignInResult =
  | { status: 'signed-in'; token: string; secondFactor: boolean }
  | { status: 'invalid' }
  | { status: 'throttled'; minutes: number };

export interface OpenSession {
  tokenHash: string;
  user: StaffUser;
  secondFactorPending: boolean;
}

export function createSignInService(deps: SignInDeps) {
  const { db, log, now, settings } = deps;
  const idleSince = () => new Date(now().getTime() - settings.idleMinutes * 60_000);

  async function isThrottled(email: string, ip: string): Promise<boolean> {
    const since = new Date(now().getTime() - THROTTLE.windowMinutes * 60_000);
    const failures = await countLoginFailures(db, email, ip, since);
    const throttled = failures.account >= THROTTLE.perAccount || failures.ip >= THROTTLE.perIp;
    if (throttled) log.warn({ ip, failures }, 'staff sign-in throttled');
    return throttled;
  }

  async function signIn(email: string, password: string, client: { ip: string; userAgent: string | undefined }): Promise<SignInResult> {
    if (await isThrottled(email, client.ip)) return { status: 'throttled', minutes: THROTTLE.windowMinutes };
    const user = await getStaffByEmail(db, email);
    const valid = await verifyPassword(user?.disabledAt ? null : (user?.passwordHash ?? null), password);
    if (!user || !valid) {
      await recordLoginFailure(db, email, client.ip);
      log.info({ ip: client.ip }, 'staff sign-in refused');
      return { status: 'invalid' };
    }
    await clearLoginFailures(db, email);
    await deleteStaleSessions(db, idleSince(), now());
    // A new token at every sign-in: a session id planted before it (fixation) is worth nothing.
    const { token, hash } = newBearerToken();
    const secondFactor = user.totpSecret !== null;
    await createSession(db, {
      tokenHash: hash, userId: user.id, secondFactorPending: secondFactor, ip: client.ip, userAgent: client.userAgent?.slice(0, 300),
      lastSeenAt: now(), expiresAt: new Date(now().getTime() + settings.maxHours * 3_600_000),
    });
    if (!secondFactor) await completeSignIn(user, client.ip);
    return { status: 'signed-in', token, secondFactor };
  }

  async function completeSignIn(user: StaffUser, ip: string): Promise<void> {
    await updateStaff(db, user.id, { lastLoginAt: now() });
    await recordAudit(db, { type: 'staff', id: user.id, label: user.email, role: user.role, ip }, { action: 'staff.signedIn', target: { type: 'staff', id: user.id } });
    log.info({ staffId: user.id }, 'staff signed in');
  }

  /** The session behind a cookie, if still open; refreshes its idle timer. */
  async function resolveSession(token: string | undefined): Promise<OpenSession | undefined> {
    if (!token || !looksLikeBearerToken(token)) return undefined;
    const tokenHash = hashBearerToken(token);
    const found = await findOpenSession(db, tokenHash, idleSince(), now());
    if (!found) return undefined;
    if (now().getTime() - found.session.lastSeenAt.getTime() > TOUCH_EVERY_MS) await touchSession(db, tokenHash, now());
    return { tokenHash, user: found.user, secondFactorPending: found.session.secondFactorPending };
  }

  async function verifySecondFactor(session: OpenSession, code: string, ip: string): Promise<'verified' | 'invalid' | 'throttled'> {
    const { user } = session;
    if (!user.totpSecret) return 'invalid';
    if (await isThrottled(user.email, ip)) return 'throttled';
    const secret = deps.cipher.decrypt(user.totpSecret, totpAssociatedData(user.id));
    const step = acceptTotpCode(secret, user.email, code, user.totpLastStep, now().getTime());
    if (step === undefined) {
      await recordLoginFailure(db, user.email, ip);
      return 'invalid';
    }
    await updateStaff(db, user.id, { totpLastStep: step });
    await markSecondFactorDone(db, session.tokenHash);
    await completeSignIn(user, ip);
    return 'verified';
  }

  async function signOut(session: OpenSession): Promise<void> {
    await deleteSession(db, session.tokenHash);
  }

  async function signOutEverywhere(actor: Extract<Actor, { type: 'staff' }>): Promise<number> {
    const ended = await deleteUserSessions(db, actor.id);
    await recordAudit(db, actor, { action: 'staff.signedOutEverywhere', target: { type: 'staff', id: actor.id }, details: { sessions: ended } });
    return ended;
  }

  return { signIn, resolveSession, verifySecondFactor, signOut, signOutEverywhere };
}

export type SignInService = ReturnType<typeof createSignInService>;
