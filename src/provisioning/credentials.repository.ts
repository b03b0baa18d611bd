import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { type CredentialKind, credentials } from '../db/schema.ts';

export type CredentialRow = typeof credentials.$inferSelect;

/** Stores each credential unless the stack already has one of that kind (a resumed step keeps the first). */
export async function insertCredentialsIfMissing(
  ex: Executor, stackId: number, items: { kind: CredentialKind; ciphertext: string; keyId: string }[],
): Promise<void> {
  await ex.insert(credentials).values(items.map((i) => ({ stackId, ...i }))).onConflictDoNothing();
}

export async function listCredentials(ex: Executor, stackId: number): Promise<CredentialRow[]> {
  return ex.select().from(credentials).where(eq(credentials.stackId, stackId));
}

export async function getCredential(ex: Executor, stackId: number, kind: CredentialKind): Promise<CredentialRow | undefined> {
  const [row] = await ex.select().from(credentials).where(and(eq(credentials.stackId, stackId), eq(credentials.kind, kind)));
  return row;
}

export async function deleteCredentials(ex: Executor, stackId: number): Promise<void> {
  await ex.delete(credentials).where(eq(credentials.stackId, stackId));
}
