// A fresh platform has nobody who can sign in. Until someone has chosen a password, each start
// in embedded mode issues a one-time link for the first owner (the first ADMIN_EMAILS address)
// and prints it: the whole platform works from `npm start` alone.
import { SYSTEM_ACTOR } from '../audit/actor.ts';
import type { Db } from '../db/database.ts';
import type { AccountsService } from './accounts.service.ts';
import { anyAccountActivated, getStaffByEmail } from './staff.repository.ts';

export async function firstOwnerSetupUrl(db: Db, accounts: AccountsService, email: string): Promise<string | undefined> {
  if (await anyAccountActivated(db)) return undefined;
  const existing = await getStaffByEmail(db, email);
  if (existing) return (await accounts.resetLink(SYSTEM_ACTOR, existing.id))?.url;
  // A name to change later; the address's local part says who it is better than the role would.
  const local = email.split('@')[0]!;
  const created = await accounts.createAccount(SYSTEM_ACTOR, { email, name: local.charAt(0).toUpperCase() + local.slice(1), role: 'owner' });
  return created.status === 'created' ? created.setupUrl : undefined;
}
