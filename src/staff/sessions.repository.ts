// Dashboard sessions, server-side (DESIGN §3: nothing correctness-related in process memory).
import { and, eq, gt, lt, or } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { adminSessions, adminUsers } from '../db/schema.ts';
import type { StaffUser } from './staff.repository.ts';

export type SessionRow = typeof adminSessions.$inferSelect;

export async function createSession(ex: Executor, data: typeof adminSessions.$inferInsert): Promise<void> {
  await ex.insert(adminSessions).values(data);
}

/** The session and its account, if the session is still open (idle and absolute limits) and the account enabled. */
export async function findOpenSession(ex: Executor, tokenHash: string, idleSince: Date, now: Date): Promise<{ session: SessionRow; user: StaffUser } | undefined> {
  const [row] = await ex.select({ session: adminSessions, user: adminUsers }).from(adminSessions)
    .innerJoin(adminUsers, eq(adminUsers.id, adminSessions.userId))
    .where(and(eq(adminSessions.tokenHash, tokenHash), gt(adminSessions.expiresAt, now), gt(adminSessions.lastSeenAt, idleSince)));
  if (!row || row.user.disabledAt) return undefined;
  return row;
}

export async function touchSession(ex: Executor, tokenHash: string, now: Date): Promise<void> {
  await ex.update(adminSessions).set({ lastSeenAt: now }).where(eq(adminSessions.tokenHash, tokenHash));
}

export async function markSecondFactorDone(ex: Executor, tokenHash: string): Promise<void> {
  await ex.update(adminSessions).set({ secondFactorPending: false }).where(eq(adminSessions.tokenHash, tokenHash));
}

export async function deleteSession(ex: Executor, tokenHash: string): Promise<void> {
  await ex.delete(adminSessions).where(eq(adminSessions.tokenHash, tokenHash));
}

/** Logout everywhere, or a disabled account: every session of the account ends. */
export async function deleteUserSessions(ex: Executor, userId: number): Promise<number> {
  const rows = await ex.delete(adminSessions).where(eq(adminSessions.userId, userId)).returning({ t: adminSessions.tokenHash });
  return rows.length;
}

/** Sessions past their limits: removed opportunistically at each sign-in. */
export async function deleteStaleSessions(ex: Executor, idleSince: Date, now: Date): Promise<void> {
  await ex.delete(adminSessions).where(or(lt(adminSessions.expiresAt, now), lt(adminSessions.lastSeenAt, idleSince)));
}
