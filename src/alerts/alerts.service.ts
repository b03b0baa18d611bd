// Alerts: incidents worth a human, opened on a state change (by monitoring, provisioning, the outbox, quotas),
// notified once, reminded while open and unacknowledged, acknowledged in the dashboard, closed by a recovery notice.
// The rules that keep the staff from being flooded (flapping, environment outages) are in README.md beside this file.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Actor } from '../audit/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import type { AlertKind, AlertStatus } from '../db/schema.ts';
import { type Transaction, withTransaction } from '../db/transaction.ts';
import type { Queue } from '../jobs/queue.ts';
import type { QueueEmail } from '../mail/outbox.ts';
import { requirePermission } from '../staff/access.ts';
import { type AlertSettings, sendNotice } from './alert-notifier.ts';
import {
  acknowledgeAlert, addAlertEvent, type AlertEventRow, type AlertListItem, type AlertRow, countUnresolved, findCoveringEnvironmentAlert,
  getAlertById, getAlertView, getLatestByKey, getStackEnvironment, getUnresolvedByKey, insertAlert, lastNoticeKind, listAlertEvents,
  listAlerts, lockAlertKey, lockAlertsDueForNotice, lockAlertsDueForRecovery, reopenAlert, resolveByKey,
} from './alerts.repository.ts';

export type { AlertEventRow, AlertListItem } from './alerts.repository.ts';

export interface OpenAlertInput {
  kind: AlertKind;
  /** One unresolved alert per key, e.g. `instance_down:stack:42`. */
  key: string;
  /** Parameters of the alert's texts (company, stack, error…). */
  params?: Record<string, string | number>;
  clientId?: number | null;
  stackId?: number | null;
  /** The orchestrator environment; taken from the stack when a stack is given without it. */
  environment?: string | null;
}

export interface AlertsDeps {
  pool: pg.Pool;
  db: Db;
  queue: Pick<Queue, 'send'>;
  queueEmail: QueueEmail;
  settings: AlertSettings;
  log: Logger;
  now?: () => Date;
}

export type AcknowledgeResult = 'acknowledged' | 'not-open' | 'not-found';

export const ALERTS_PAGE_SIZE = 50;
const PASS_BATCH = 100;
/** Recovery notices still owed after this long are dropped: the pass stays bounded. */
const RECOVERY_HORIZON_MS = 7 * 86_400_000;

export function createAlerts(deps: AlertsDeps) {
  const now = deps.now ?? (() => new Date());
  const { settings } = deps;
  const notifier = { queue: deps.queue, queueEmail: deps.queueEmail, settings };
  const log = deps.log.child({ component: 'alerts' });
  const ago = (at: Date, ms: number) => new Date(at.getTime() - ms);

  /**
   * Opens the alert of `key` unless one is unresolved (then returns it, `created: false`). A key resolved or notified
   * less than one reminder interval ago reopens its alert without a notice (flapping); an alert of a stack whose
   * environment is unreachable is recorded without a notice (no storm). `created`: this call (re)opened an alert.
   */
  async function openIn(transaction: Transaction, input: OpenAlertInput): Promise<{ id: number; created: boolean }> {
    const { tx } = transaction;
    const at = now();
    await lockAlertKey(tx, input.key);
    const current = await getUnresolvedByKey(tx, input.key);
    if (current) return { id: current.id, created: false };
    const params = input.params ?? {};
    const latest = await getLatestByKey(tx, input.key);
    if (latest && lastActivity(latest) > at.getTime() - settings.reminderMs) {
      await reopenAlert(tx, latest.id, params);
      await addAlertEvent(tx, { alertId: latest.id, type: 'reopened', at });
      log.warn({ alertId: latest.id, key: input.key }, 'alert reopened within its reminder interval: not notified again');
      return { id: latest.id, created: true };
    }
    const stackEnvironment = input.stackId ? await getStackEnvironment(tx, input.stackId) : undefined;
    const environment = input.environment ?? stackEnvironment ?? null;
    const alert = await insertAlert(tx, {
      kind: input.kind, key: input.key, params, clientId: input.clientId ?? null, stackId: input.stackId ?? null, environment, openedAt: at,
    });
    await addAlertEvent(tx, { alertId: alert.id, type: 'opened', at });
    const cover = silencedBy(alert) ? await findCoveringEnvironmentAlert(tx, environment!, ago(at, settings.recoveryDelayMs)) : undefined;
    if (cover !== undefined) {
      await addAlertEvent(tx, { alertId: alert.id, type: 'suppressed', detail: String(cover), at });
      log.warn({ alertId: alert.id, key: input.key, environmentAlertId: cover }, 'alert opened during its environment\'s outage: not notified');
      return { id: alert.id, created: true };
    }
    await sendNotice(transaction, notifier, alert, 'opened', at);
    log.warn({ alertId: alert.id, key: input.key, kind: input.kind }, 'alert opened');
    return { id: alert.id, created: true };
  }

  async function open(input: OpenAlertInput): Promise<{ id: number; created: boolean }> {
    // Monitoring opens the alert of an unreachable environment at every cycle: most calls end here, without a transaction.
    const current = await getUnresolvedByKey(deps.db, input.key);
    if (current) return { id: current.id, created: false };
    return withTransaction(deps.pool, (transaction) => openIn(transaction, input));
  }

  /**
   * Resolves the unresolved alert of `key`; false when there is none. Its recovery notice is owed if the last notice
   * said it was open; it goes once the alert has stayed resolved ALERT_RECOVERY_DELAY_MINUTES (at once when 0).
   */
  async function resolveIn(transaction: Transaction, key: string): Promise<boolean> {
    const { tx } = transaction;
    const at = now();
    await lockAlertKey(tx, key);
    const alert = await resolveByKey(tx, key, at);
    if (!alert) return false;
    await addAlertEvent(tx, { alertId: alert.id, type: 'resolved', at });
    const told = await lastNoticeKind(tx, alert.id);
    if (settings.recoveryDelayMs === 0 && (told === 'opened' || told === 'reminder')) await sendNotice(transaction, notifier, alert, 'resolved', at);
    log.info({ alertId: alert.id, key }, 'alert resolved');
    return true;
  }

  async function resolve(key: string): Promise<boolean> {
    // Called for every healthy environment at every cycle and for every e-mail sent: usually nothing to resolve.
    if (!(await getUnresolvedByKey(deps.db, key))) return false;
    return withTransaction(deps.pool, (transaction) => resolveIn(transaction, key));
  }

  async function acknowledge(actor: Actor, id: number): Promise<AcknowledgeResult> {
    requirePermission(actor, 'instances:operate');
    return withTransaction(deps.pool, async ({ tx }) => {
      const at = now();
      const alert = await acknowledgeAlert(tx, id, actor.type === 'staff' ? actor.id : null, at);
      if (!alert) return (await getAlertById(tx, id)) ? 'not-open' : 'not-found';
      await addAlertEvent(tx, { alertId: id, type: 'acknowledged', detail: actor.label, at });
      await recordAudit(tx, actor, { action: 'alert.acknowledged', target: { type: 'alert', id }, clientId: alert.clientId, details: { kind: alert.kind, key: alert.key } });
      return 'acknowledged';
    });
  }

  /** A page of alerts, newest first (all statuses when none is given), and how many are open and acknowledged. */
  async function list(actor: Actor, filter: { status?: AlertStatus; before?: number } = {}) {
    requirePermission(actor, 'dashboard:read');
    const [rows, counts] = await Promise.all([
      listAlerts(deps.db, { status: filter.status, before: filter.before, limit: ALERTS_PAGE_SIZE + 1 }),
      countUnresolved(deps.db),
    ]);
    const alerts = rows.slice(0, ALERTS_PAGE_SIZE);
    return { alerts, counts, next: rows.length > ALERTS_PAGE_SIZE ? alerts.at(-1)!.id : undefined };
  }

  async function get(actor: Actor, id: number): Promise<{ alert: AlertListItem; events: AlertEventRow[] } | undefined> {
    requirePermission(actor, 'dashboard:read');
    const alert = await getAlertView(deps.db, id);
    return alert ? { alert, events: await listAlertEvents(deps.db, id) } : undefined;
  }

  /**
   * The periodic pass: reminders of open alerts last notified one interval ago (or a first notice for those whose
   * environment came back), then the recovery notices that are due. Safe in any number of workers at once.
   */
  async function runDue(): Promise<{ notices: number; recoveries: number }> {
    const at = now();
    const notices = await inBatches(async (transaction) => {
      const due = await lockAlertsDueForNotice(transaction.tx, {
        notifiedBefore: ago(at, settings.reminderMs), environmentSince: ago(at, settings.recoveryDelayMs), limit: PASS_BATCH,
      });
      for (const alert of due) {
        const told = await lastNoticeKind(transaction.tx, alert.id);
        await sendNotice(transaction, notifier, alert, told === 'opened' || told === 'reminder' ? 'reminder' : 'opened', at);
      }
      return due.length;
    });
    const recoveries = await inBatches(async (transaction) => {
      const resolvedBefore = ago(at, settings.recoveryDelayMs);
      const due = await lockAlertsDueForRecovery(transaction.tx, { resolvedBefore, horizon: ago(resolvedBefore, RECOVERY_HORIZON_MS), limit: PASS_BATCH });
      for (const alert of due) await sendNotice(transaction, notifier, alert, 'resolved', at);
      return due.length;
    });
    if (notices + recoveries > 0) log.info({ notices, recoveries }, 'alert reminders and recovery notices sent');
    return { notices, recoveries };
  }

  async function inBatches(batch: (transaction: Transaction) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const done = await withTransaction(deps.pool, batch);
      total += done;
      if (done < PASS_BATCH) return total;
    }
  }

  return { open, openIn, resolve, resolveIn, acknowledge, list, get, runDue };
}

export type AlertsService = ReturnType<typeof createAlerts>;

/** When staff last heard of, or saw the end of, this alert. */
function lastActivity(alert: AlertRow): number {
  return Math.max(alert.resolvedAt?.getTime() ?? 0, alert.lastNotifiedAt?.getTime() ?? 0);
}

/** An alert about one stack of an environment, which that environment's own alert explains. */
function silencedBy(alert: AlertRow): boolean {
  return alert.kind !== 'environment_unreachable' && alert.environment !== null;
}
