// Staff accounts: created by an owner (or `erpbtp admin create`), activated through a one-time
// link where the person chooses a password, roles changed, accounts disabled, TOTP enrolled.
import { sql } from 'drizzle-orm';
import type { Actor } from '../audit/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import { type StaffRole, staffRoles } from '../db/schema.ts';
import { isValidEmail, normaliseEmail } from '../forms/form-fields.ts';
import { hashBearerToken, looksLikeBearerToken, newBearerToken } from '../vault/bearer-token.ts';
import { requirePermission } from './access.ts';
import { checkNewPassword, hashPassword, type PasswordProblem, verifyPassword } from './passwords.ts';
import { deleteUserSessions } from './sessions.repository.ts';
import {
  consumeSetupToken, countActiveOwners, createSetupToken, createStaff, findValidSetupToken, getStaffById, listStaff,
  type StaffUser, updateStaff,
} from './staff.repository.ts';

export interface AccountsDeps {
  db: Db;
  now: () => Date;
  publicUrl: string;
}

const SETUP_LINK_HOURS = 72;


export type StaffActor = Extract<Actor, { type: 'staff' }>;
export type NewAccountProblem = 'email' | 'name' | 'role' | 'taken';
export type AccountChangeResult = 'done' | 'not-found' | 'last-owner' | 'self';

export function createAccountsService(deps: AccountsDeps) {
  const { db, now } = deps;

  async function issueSetupLink(userId: number): Promise<{ url: string; expiresAt: Date }> {
    const { token, hash } = newBearerToken();
    const expiresAt = new Date(now().getTime() + SETUP_LINK_HOURS * 3_600_000);
    await createSetupToken(db, { tokenHash: hash, userId, expiresAt });
    return { url: `${deps.publicUrl}/admin/activation/${token}`, expiresAt };
  }

  async function createAccount(actor: Actor, input: { email: string; name: string; role: string }):
  Promise<{ status: 'created'; user: StaffUser; setupUrl: string; expiresAt: Date } | { status: 'invalid'; problems: NewAccountProblem[] }> {
    requirePermission(actor, 'staff:manage');
    const email = normaliseEmail(input.email);
    const name = input.name.trim();
    const problems: NewAccountProblem[] = [];
    if (!isValidEmail(email)) problems.push('email');
    if (name.length < 1 || name.length > 100) problems.push('name');
    if (!(staffRoles as readonly string[]).includes(input.role)) problems.push('role');
    if (problems.length > 0) return { status: 'invalid', problems };
    const user = await createStaff(db, { email, name, role: input.role as StaffRole });
    if (!user) return { status: 'invalid', problems: ['taken'] };
    const link = await issueSetupLink(user.id);
    await recordAudit(db, actor, { action: 'staff.created', target: { type: 'staff', id: user.id }, details: { email, role: user.role } });
    return { status: 'created', user, setupUrl: link.url, expiresAt: link.expiresAt };
  }

  /** A new one-time link (forgotten password, expired link): the current password stays valid until it is used. */
  async function resetLink(actor: Actor, userId: number): Promise<{ email: string; url: string; expiresAt: Date } | undefined> {
    requirePermission(actor, 'staff:manage');
    const user = await getStaffById(db, userId);
    if (!user) return undefined;
    const link = await issueSetupLink(user.id);
    await recordAudit(db, actor, { action: 'staff.setupLinkIssued', target: { type: 'staff', id: user.id } });
    return { email: user.email, ...link };
  }

  async function findSetupAccount(token: string): Promise<StaffUser | undefined> {
    if (!looksLikeBearerToken(token)) return undefined;
    const userId = await findValidSetupToken(db, hashBearerToken(token), now());
    return userId === undefined ? undefined : getStaffById(db, userId);
  }

  /** Sets the password chosen through a setup link; every open session of the account ends. */
  async function completeSetup(token: string, password: string, confirmation: string, ip: string):
  Promise<{ status: 'done'; user: StaffUser } | { status: 'invalid-link' } | { status: 'weak'; problem: PasswordProblem }> {
    const user = await findSetupAccount(token);
    if (!user || user.disabledAt) return { status: 'invalid-link' };
    const problem = checkNewPassword(password, confirmation, user.email);
    if (problem) return { status: 'weak', problem };
    const passwordHash = await hashPassword(password);
    const done = await db.transaction(async (tx) => {
      const userId = await consumeSetupToken(tx, hashBearerToken(token), now());
      if (userId !== user.id) return false;
      await updateStaff(tx, user.id, { passwordHash });
      await deleteUserSessions(tx, user.id);
      await recordAudit(tx, { type: 'staff', id: user.id, label: user.email, role: user.role, ip }, { action: 'staff.passwordSet', target: { type: 'staff', id: user.id } });
      return true;
    });
    return done ? { status: 'done', user } : { status: 'invalid-link' };
  }

  async function list(actor: Actor): Promise<StaffUser[]> {
    requirePermission(actor, 'staff:manage');
    return listStaff(db);
  }

  /** Role changes and disabling never leave the platform without an active owner, and nobody locks themselves out. */
  async function changeAccount(actor: Actor, userId: number, change: { role: StaffRole } | { disabled: boolean }): Promise<AccountChangeResult> {
    requirePermission(actor, 'staff:manage');
    if (actor.type === 'staff' && actor.id === userId) return 'self';
    return db.transaction(async (tx) => {
      // One owner change at a time: two owners demoting each other at once must not leave none.
      await tx.execute(sql`select pg_advisory_xact_lock(727010)`);
      const user = await getStaffById(tx, userId);
      if (!user) return 'not-found';
      const losesOwner = user.role === 'owner' && !user.disabledAt && ('role' in change ? change.role !== 'owner' : change.disabled);
      if (losesOwner && (await countActiveOwners(tx)) <= 1) return 'last-owner';
      if ('role' in change) {
        await updateStaff(tx, userId, { role: change.role });
        await recordAudit(tx, actor, { action: 'staff.roleChanged', target: { type: 'staff', id: userId }, details: { from: user.role, to: change.role } });
      } else {
        await updateStaff(tx, userId, { disabledAt: change.disabled ? now() : null });
        if (change.disabled) await deleteUserSessions(tx, userId);
        await recordAudit(tx, actor, { action: change.disabled ? 'staff.disabled' : 'staff.enabled', target: { type: 'staff', id: userId } });
      }
      return 'done';
    });
  }

  /** Asked again before sensitive actions (revealing credentials, turning TOTP off). */
  async function confirmPassword(actor: StaffActor, password: string): Promise<boolean> {
    const user = await getStaffById(db, actor.id);
    return verifyPassword(user?.passwordHash ?? null, password);
  }

  async function changePassword(actor: StaffActor, current: string, password: string, confirmation: string): Promise<'done' | 'wrong-password' | PasswordProblem> {
    if (!(await confirmPassword(actor, current))) return 'wrong-password';
    const problem = checkNewPassword(password, confirmation, actor.label);
    if (problem) return problem;
    await updateStaff(db, actor.id, { passwordHash: await hashPassword(password) });
    await recordAudit(db, actor, { action: 'staff.passwordChanged', target: { type: 'staff', id: actor.id } });
    return 'done';
  }

  return { createAccount, resetLink, findSetupAccount, completeSetup, list, changeAccount, confirmPassword, changePassword };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
