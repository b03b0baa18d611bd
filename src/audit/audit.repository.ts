// The audit log: append-only, read newest first with keyset pagination.
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { auditLog } from '../db/schema.ts';
import type { Actor } from './actor.ts';

export type AuditEntry = typeof auditLog.$inferSelect;
export type AuditDetails = AuditEntry['details'];

export interface AuditRecord {
  action: string;
  target?: { type: string; id: string | number };
  clientId?: number | null;
  details?: AuditDetails;
}

export async function recordAudit(ex: Executor, actor: Actor, record: AuditRecord): Promise<void> {
  await ex.insert(auditLog).values({
    actorType: actor.type,
    actorId: actor.type === 'system' ? null : actor.id,
    actorLabel: actor.label,
    action: record.action,
    targetType: record.target?.type ?? null,
    targetId: record.target ? String(record.target.id) : null,
    clientId: record.clientId ?? null,
    details: record.details ?? {},
    ip: actor.type === 'system' ? null : actor.ip,
  });
}

/** Newest first; `before` is the last id of the previous page. */
export function listAudit(ex: Executor, options: { clientId?: number; before?: number; limit: number }): Promise<AuditEntry[]> {
  const where: SQL[] = [];
  if (options.clientId !== undefined) where.push(eq(auditLog.clientId, options.clientId));
  if (options.before !== undefined) where.push(lt(auditLog.id, options.before));
  return ex.select().from(auditLog).where(and(...where)).orderBy(desc(auditLog.id)).limit(options.limit);
}
