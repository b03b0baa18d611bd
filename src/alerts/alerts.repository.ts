// The alerts and their timeline. Every function takes the executor of the caller (a transaction when several
// writes must hold together); the notification passes lock the rows they notify (skip locked), so several
// workers never notify the same alert twice.
import { and, count, desc, eq, lt, ne, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { adminUsers, type AlertKind, type AlertStatus, alertEvents, alerts, clients, stacks } from '../db/schema.ts';

export type AlertRow = typeof alerts.$inferSelect;
export type AlertEventRow = typeof alertEvents.$inferSelect;

/** What staff were told: the three kinds of notice. */
export const noticeKinds = ['opened', 'reminder', 'resolved'] as const;
export type NoticeKind = (typeof noticeKinds)[number];

export type AlertEventType =
  | 'opened' | 'reopened' | 'suppressed' | 'repeated' | 'notice' | 'notified' | 'delivery_failed' | 'acknowledged' | 'resolved';

const ALERT_KEY_LOCK = 727_010;

/** Serialises opening and resolving one key until the end of the transaction. */
export async function lockAlertKey(ex: Executor, key: string): Promise<void> {
  await ex.execute(sql`select pg_advisory_xact_lock(${ALERT_KEY_LOCK}, hashtext(${key}))`);
}

export async function getUnresolvedByKey(ex: Executor, key: string): Promise<AlertRow | undefined> {
  const [row] = await ex.select().from(alerts).where(and(eq(alerts.key, key), ne(alerts.status, 'resolved')));
  return row;
}

export async function getLatestByKey(ex: Executor, key: string): Promise<AlertRow | undefined> {
  const [row] = await ex.select().from(alerts).where(eq(alerts.key, key)).orderBy(desc(alerts.id)).limit(1);
  return row;
}

export interface NewAlert {
  kind: AlertKind;
  key: string;
  params: Record<string, string | number>;
  clientId: number | null;
  stackId: number | null;
  environment: string | null;
  openedAt: Date;
}

export async function insertAlert(ex: Executor, alert: NewAlert): Promise<AlertRow> {
  const [row] = await ex.insert(alerts).values(alert).returning();
  return row!;
}

/** A resolved alert back to open, with the latest parameters: the same incident, flapping. */
export async function reopenAlert(ex: Executor, id: number, params: Record<string, string | number>): Promise<AlertRow> {
  const [row] = await ex.update(alerts)
    .set({ status: 'open', resolvedAt: null, acknowledgedAt: null, acknowledgedBy: null, params })
    .where(eq(alerts.id, id)).returning();
  return row!;
}

export async function resolveByKey(ex: Executor, key: string, at: Date): Promise<AlertRow | undefined> {
  const [row] = await ex.update(alerts).set({ status: 'resolved', resolvedAt: at })
    .where(and(eq(alerts.key, key), ne(alerts.status, 'resolved'))).returning();
  return row;
}

export async function acknowledgeAlert(ex: Executor, id: number, staffId: number | null, at: Date): Promise<AlertRow | undefined> {
  const [row] = await ex.update(alerts).set({ status: 'acknowledged', acknowledgedAt: at, acknowledgedBy: staffId })
    .where(and(eq(alerts.id, id), eq(alerts.status, 'open'))).returning();
  return row;
}

export async function markNotified(ex: Executor, id: number, at: Date): Promise<void> {
  await ex.update(alerts).set({ lastNotifiedAt: at }).where(eq(alerts.id, id));
}

export async function getAlertById(ex: Executor, id: number): Promise<AlertRow | undefined> {
  const [row] = await ex.select().from(alerts).where(eq(alerts.id, id));
  return row;
}

export async function addAlertEvent(
  ex: Executor, event: { alertId: number; type: AlertEventType; channel?: string | null; detail?: string | null; at: Date },
): Promise<AlertEventRow> {
  const [row] = await ex.insert(alertEvents).values({
    alertId: event.alertId, type: event.type, channel: event.channel ?? null, detail: event.detail ?? null, createdAt: event.at,
  }).returning();
  return row!;
}

export async function getAlertEvent(ex: Executor, id: number): Promise<AlertEventRow | undefined> {
  const [row] = await ex.select().from(alertEvents).where(eq(alertEvents.id, id));
  return row;
}

export function listAlertEvents(ex: Executor, alertId: number): Promise<AlertEventRow[]> {
  return ex.select().from(alertEvents).where(eq(alertEvents.alertId, alertId)).orderBy(alertEvents.id);
}

/** The kind of the last notice sent about the alert: what staff currently believe. */
export async function lastNoticeKind(ex: Executor, alertId: number): Promise<NoticeKind | undefined> {
  const [row] = await ex.select({ detail: alertEvents.detail }).from(alertEvents)
    .where(and(eq(alertEvents.alertId, alertId), eq(alertEvents.type, 'notice'))).orderBy(desc(alertEvents.id)).limit(1);
  return row?.detail as NoticeKind | undefined;
}

/**
 * An environment alert that silences the per-stack alerts of `environment`: unresolved, or resolved after `since`
 * (the environment must have been back for a while). One without an environment (the orchestrator itself) covers all.
 */
function coveringEnvironmentAlert(environment: SQL | string, since: Date): SQL {
  return sql`select e.id from ${alerts} e where e.kind = 'environment_unreachable'
    and (e.environment is null or e.environment = ${environment})
    and (e.status <> 'resolved' or e.resolved_at > ${since})`;
}

export async function findCoveringEnvironmentAlert(ex: Executor, environment: string, since: Date): Promise<number | undefined> {
  const { rows } = await ex.execute<{ id: number }>(sql`${coveringEnvironmentAlert(environment, since)} order by e.id limit 1`);
  return rows[0] ? Number(rows[0].id) : undefined;
}

/** Alerts of one of its stacks, whose own outage the environment alert explains. */
const coverable = sql`${alerts.kind} <> 'environment_unreachable' and ${alerts.environment} is not null`;

/**
 * Open (not acknowledged) alerts owed a notice: never notified, or last notified before `notifiedBefore`, and not
 * silenced by their environment's alert. Locked for the caller's transaction; others skip them.
 */
export function lockAlertsDueForNotice(ex: Executor, o: { notifiedBefore: Date; environmentSince: Date; limit: number }): Promise<AlertRow[]> {
  return ex.select().from(alerts)
    .where(and(
      eq(alerts.status, 'open'),
      sql`(${alerts.lastNotifiedAt} is null or ${alerts.lastNotifiedAt} <= ${o.notifiedBefore})`,
      sql`not (${coverable} and exists (${coveringEnvironmentAlert(sql`${alerts.environment}`, o.environmentSince)}))`,
    ))
    .orderBy(alerts.id).limit(o.limit)
    .for('update', { skipLocked: true });
}

/**
 * Resolved alerts owed a recovery notice: resolved before `resolvedBefore` (and after `horizon`), told nothing since,
 * and whose last notice said they were open. Locked for the caller's transaction.
 */
export function lockAlertsDueForRecovery(ex: Executor, o: { resolvedBefore: Date; horizon: Date; limit: number }): Promise<AlertRow[]> {
  return ex.select().from(alerts)
    .where(and(
      eq(alerts.status, 'resolved'),
      sql`${alerts.resolvedAt} <= ${o.resolvedBefore} and ${alerts.resolvedAt} > ${o.horizon}`,
      // `<=`: a notice sent at the very instant of the resolution still predates it; the kind check below is what
      // tells a recovery notice already sent.
      sql`${alerts.lastNotifiedAt} <= ${alerts.resolvedAt}`,
      sql`(select n.detail from ${alertEvents} n where n.alert_id = ${alerts.id} and n.type = 'notice' order by n.id desc limit 1) in ('opened', 'reminder')`,
    ))
    .orderBy(alerts.id).limit(o.limit)
    .for('update', { skipLocked: true });
}

const listColumns = {
  id: alerts.id, kind: alerts.kind, key: alerts.key, status: alerts.status, params: alerts.params,
  clientId: alerts.clientId, stackId: alerts.stackId, environment: alerts.environment,
  openedAt: alerts.openedAt, lastNotifiedAt: alerts.lastNotifiedAt, acknowledgedAt: alerts.acknowledgedAt,
  acknowledgedBy: alerts.acknowledgedBy, resolvedAt: alerts.resolvedAt,
  entreprise: clients.entreprise, stackName: stacks.name, acknowledgedByEmail: adminUsers.email,
};

/** Newest first; `before` is the last id of the previous page. */
export function listAlerts(ex: Executor, o: { status?: AlertStatus; unresolved?: boolean; before?: number; limit: number }) {
  return ex.select(listColumns).from(alerts)
    .leftJoin(clients, eq(clients.id, alerts.clientId))
    .leftJoin(stacks, eq(stacks.id, alerts.stackId))
    .leftJoin(adminUsers, eq(adminUsers.id, alerts.acknowledgedBy))
    .where(and(
      o.status ? eq(alerts.status, o.status) : undefined,
      o.unresolved ? ne(alerts.status, 'resolved') : undefined,
      o.before !== undefined ? lt(alerts.id, o.before) : undefined,
    ))
    .orderBy(desc(alerts.id)).limit(o.limit);
}

export type AlertListItem = Awaited<ReturnType<typeof listAlerts>>[number];

export async function getAlertView(ex: Executor, id: number): Promise<AlertListItem | undefined> {
  const [row] = await ex.select(listColumns).from(alerts)
    .leftJoin(clients, eq(clients.id, alerts.clientId))
    .leftJoin(stacks, eq(stacks.id, alerts.stackId))
    .leftJoin(adminUsers, eq(adminUsers.id, alerts.acknowledgedBy))
    .where(eq(alerts.id, id));
  return row;
}

/** Unresolved alerts by status (served by the status index). */
export async function countUnresolved(ex: Executor): Promise<{ open: number; acknowledged: number }> {
  const rows = await ex.select({ status: alerts.status, n: count() }).from(alerts).where(ne(alerts.status, 'resolved')).groupBy(alerts.status);
  const of = (status: AlertStatus) => rows.find((r) => r.status === status)?.n ?? 0;
  return { open: of('open'), acknowledged: of('acknowledged') };
}

export async function getStackEnvironment(ex: Executor, stackId: number): Promise<string | undefined> {
  const [row] = await ex.select({ environment: stacks.environment }).from(stacks).where(eq(stacks.id, stackId));
  return row?.environment;
}
