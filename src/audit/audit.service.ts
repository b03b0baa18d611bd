// Reading the audit log (writing is `recordAudit`, in the transaction of each write).
import type { Db } from '../db/database.ts';
import { requirePermission } from '../staff/access.ts';
import type { Actor } from './actor.ts';
import { type AuditEntry, listAudit } from './audit.repository.ts';

export const AUDIT_PAGE_SIZE = 50;

export function createAuditService(deps: { db: Db }) {
  /** A page of the whole log, newest first, and the cursor of the next page. */
  async function list(actor: Actor, before?: number): Promise<{ entries: AuditEntry[]; next?: number }> {
    requirePermission(actor, 'audit:read');
    const rows = await listAudit(deps.db, { before, limit: AUDIT_PAGE_SIZE + 1 });
    const entries = rows.slice(0, AUDIT_PAGE_SIZE);
    return { entries, next: rows.length > AUDIT_PAGE_SIZE ? entries.at(-1)!.id : undefined };
  }

  /** A client's own trail, on its page: whoever may see the client sees what was done to it. */
  async function forClient(actor: Actor, clientId: number, limit = 100): Promise<AuditEntry[]> {
    requirePermission(actor, 'dashboard:read');
    return listAudit(deps.db, { clientId, limit });
  }

  return { list, forClient };
}

export type AuditService = ReturnType<typeof createAuditService>;
