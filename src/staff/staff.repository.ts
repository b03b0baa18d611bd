// Staff accounts, their one-time setup links and failed sign-ins.
import { and, asc, count, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { adminLoginFailures, adminSetupTokens, adminUsers, type StaffRole } from '../db/schema.ts';

export type StaffUser = typeof adminUsers.$inferSelect;

export async function getStaffById(ex: Executor, id: number): Promise<StaffUser | undefined> {
  const [row] = await ex.select().from(adminUsers).where(eq(adminUsers.id, id));
  return row;
}

export async function getStaffByEmail(ex: Executor, email: string): Promise<StaffUser | undefined> {
  const [row] = await ex.select().from(adminUsers).where(sql`lower(${adminUsers.email}) = lower(${email})`);
  return row;
}

export function listStaff(ex: Executor): Promise<StaffUser[]> {
  return ex.select().from(adminUsers).orderBy(asc(adminUsers.createdAt), asc(adminUsers.id));
}

/** Has anyone chosen a password yet? */
export async function anyAccountActivated(ex: Executor): Promise<boolean> {
  const [row] = await ex.select({ id: adminUsers.id }).from(adminUsers).where(isNotNull(adminUsers.passwordHash)).limit(1);
  return row !== undefined;
}

export async function countActiveOwners(ex: Executor): Promise<number> {
  const [row] = await ex.select({ n: count() }).from(adminUsers)
    .where(and(eq(adminUsers.role, 'owner'), isNull(adminUsers.disabledAt)));
  return row!.n;
}

/** Inserts the account; undefined when the e-mail is taken. */
export async function createStaff(ex: Executor, data: { email: string; name: string; role: StaffRole }): Promise<StaffUser | undefined> {
  const [row] = await ex.insert(adminUsers).values(data).onConflictDoNothing().returning();
  return row;
}

export async function updateStaff(ex: Executor, id: number, data: Partial<Omit<typeof adminUsers.$inferInsert, 'id'>>): Promise<void> {
  await ex.update(adminUsers).set(data).where(eq(adminUsers.id, id));
}

export async function createSetupToken(ex: Executor, data: { tokenHash: string; userId: number; expiresAt: Date }): Promise<void> {
  await ex.insert(adminSetupTokens).values(data);
}

/** Marks the link used and returns its account, if it was valid: a link works once. */
export async function consumeSetupToken(ex: Executor, tokenHash: string, now: Date): Promise<number | undefined> {
  const [row] = await ex.update(adminSetupTokens).set({ usedAt: now })
    .where(and(eq(adminSetupTokens.tokenHash, tokenHash), isNull(adminSetupTokens.usedAt), gt(adminSetupTokens.expiresAt, now)))
    .returning({ userId: adminSetupTokens.userId });
  return row?.userId;
}

export async function findValidSetupToken(ex: Executor, tokenHash: string, now: Date): Promise<number | undefined> {
  const [row] = await ex.select({ userId: adminSetupTokens.userId }).from(adminSetupTokens)
    .where(and(eq(adminSetupTokens.tokenHash, tokenHash), isNull(adminSetupTokens.usedAt), gt(adminSetupTokens.expiresAt, now)));
  return row?.userId;
}

export async function recordLoginFailure(ex: Executor, email: string, ip: string): Promise<void> {
  await ex.insert(adminLoginFailures).values({ email, ip });
}

/** Failed sign-ins since `since`, for this account and from this IP. */
export async function countLoginFailures(ex: Executor, email: string, ip: string, since: Date): Promise<{ account: number; ip: number }> {
  const [row] = await ex.select({
    account: sql<number>`count(*) filter (where lower(${adminLoginFailures.email}) = lower(${email}))`.mapWith(Number),
    ip: sql<number>`count(*) filter (where ${adminLoginFailures.ip} = ${ip}::inet)`.mapWith(Number),
  }).from(adminLoginFailures)
    .where(and(gt(adminLoginFailures.createdAt, since), sql`(lower(${adminLoginFailures.email}) = lower(${email}) or ${adminLoginFailures.ip} = ${ip}::inet)`));
  return row!;
}

/** A successful sign-in clears the account's failures (not the IP's). */
export async function clearLoginFailures(ex: Executor, email: string): Promise<void> {
  await ex.delete(adminLoginFailures).where(sql`lower(${adminLoginFailures.email}) = lower(${email})`);
}
