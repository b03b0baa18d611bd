// After the trial: an expired trial's instance is kept suspended, its client gets a notice two Paris days before
// the deletion date, and the stack and its data are deleted once that date has come and the notice has left.
import type pg from 'pg';
import type { Logger } from 'pino';
import { SYSTEM_ACTOR } from '../audit/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import { withTransaction } from '../db/transaction.ts';
import type { Queue } from '../jobs/queue.ts';
import type { QueueEmail } from '../mail/outbox.ts';
import { requestStackOperation, type StackOperation } from '../provisioning/stack-operations.ts';
import { type ExpiredStackRow, findEmails, type LifecycleEmail, listExpiredTrialStacks } from './lifecycle.repository.ts';
import type { Attempt, LifecycleReport, LifecycleSettings } from './lifecycle.types.ts';
import { addParisDays } from './paris-calendar.ts';
import { deletionAt, lifecycleKeys, NOTICE_DAYS, noticeDate } from './trial-calendar.ts';

interface GraceDeps {
  pool: pg.Pool;
  db: Db;
  queue: Pick<Queue, 'send'>;
  queueEmail: QueueEmail;
  log: Logger;
  settings: LifecycleSettings;
  links: { pricingUrl: string; contactUrl: string };
}

export function createGracePeriod(deps: GraceDeps) {
  const { settings } = deps;

  /** Suspends, notifies and deletes what is due; returns the deletion instants still to come. */
  async function run(now: Date, report: LifecycleReport, calendarOpen: boolean, attempt: Attempt): Promise<Date[]> {
    const trials = groupBySubscription(await listExpiredTrialStacks(deps.db));
    const notices = await findEmails(deps.db, trials.map(([first]) => lifecycleKeys.notice(first.subscriptionId, first.trialEndsAt)));
    const dues: Date[] = [];
    for (const stacks of trials) {
      const trial = stacks[0]!;
      const context = { subscriptionId: trial.subscriptionId };
      // The instance follows the subscription: one still meant to run is suspended (again, if staff resumed it
      // without extending the trial: an extension or an offer is how an instance comes back).
      for (const stack of stacks.filter((s) => s.desiredState === 'running')) {
        await attempt('suspension', { ...context, stackId: stack.stackId }, () => operate(stack, 'suspend', report, { reason: 'trialExpired' }));
      }
      const notice = notices.get(lifecycleKeys.notice(trial.subscriptionId, trial.trialEndsAt));
      if (!notice) {
        if (calendarOpen && report.today >= noticeDate(trial.trialEndsAt, settings.graceDays)) {
          await attempt('deletion notice', context, () => sendNotice(trial, report));
        }
        continue;
      }
      const due = deletionDue(notice);
      if (!due) report.pending.push({ subscriptionId: trial.subscriptionId, reason: 'noticeNotSent' });
      else if (due > now) dues.push(due);
      else {
        for (const stack of stacks) {
          await attempt('deletion', { ...context, stackId: stack.stackId }, () => operate(stack, 'delete', report, { reason: 'trialGraceOver', announced: String(notice.params.deletionAt) }));
        }
      }
    }
    return dues;
  }

  async function sendNotice(trial: ExpiredStackRow, report: LifecycleReport): Promise<void> {
    const at = deletionAt(trial.trialEndsAt, settings.graceDays, report.today);
    await withTransaction(deps.pool, async (transaction) => {
      await deps.queueEmail(transaction, {
        template: 'trial-deletion-notice', to: [trial.email], clientId: trial.clientId,
        dedupeKey: lifecycleKeys.notice(trial.subscriptionId, trial.trialEndsAt),
        params: { prenom: trial.prenom, entreprise: trial.entreprise, deletionAt: at.toISOString(), ...deps.links },
      });
      await recordAudit(transaction.tx, SYSTEM_ACTOR, {
        action: 'subscription.deletionNoticeSent', target: { type: 'subscription', id: trial.subscriptionId }, clientId: trial.clientId,
        details: { deletionAt: at.toISOString(), trialEndsAt: trial.trialEndsAt.toISOString() },
      });
    });
    report.notices.push({ subscriptionId: trial.subscriptionId, deletionAt: at });
  }

  /** Queues the stack operation with its audit entry; a stack busy with another deployment waits for the next run. */
  async function operate(stack: ExpiredStackRow, kind: Extract<StackOperation, 'suspend' | 'delete'>, report: LifecycleReport, details: Record<string, string>): Promise<void> {
    const outcome = await requestStackOperation(deps.pool, deps.queue, stack.stackId, kind, (tx, deploymentId) => recordAudit(tx, SYSTEM_ACTOR, {
      action: `stack.${kind}Requested`, target: { type: 'stack', id: stack.stackName }, clientId: stack.clientId,
      details: { deployment: deploymentId, ...details },
    }));
    switch (outcome.status) {
      case 'queued':
        (kind === 'suspend' ? report.suspensions : report.deletions).push(outcome.deploymentId);
        return;
      case 'busy':
        report.pending.push({ subscriptionId: stack.subscriptionId, reason: `${kind}:busy` });
        return;
      default:
        deps.log.warn({ subscriptionId: stack.subscriptionId, stack: stack.stackName, kind, outcome }, 'trial lifecycle: stack operation refused');
    }
  }

  return { run };
}

/**
 * When the data may go: the date the notice announced, once the notice has left the outbox, and never less than
 * two Paris days after it left (a mail server down for days postpones the deletion instead of shortening the
 * notice). A notice the server refused for good (`dead`) does not hold the deletion back: staff see it on the
 * overview. Undefined while the notice waits to be sent.
 */
function deletionDue(notice: LifecycleEmail): Date | undefined {
  const announced = new Date(String(notice.params.deletionAt));
  if (Number.isNaN(announced.getTime())) return undefined; // never delete on a date nobody announced
  if (notice.status === 'dead') return announced;
  if (notice.status !== 'sent') return undefined;
  const afterSending = notice.sentAt ? addParisDays(notice.sentAt, NOTICE_DAYS) : announced;
  return afterSending > announced ? afterSending : announced;
}

function groupBySubscription(rows: ExpiredStackRow[]): [ExpiredStackRow, ...ExpiredStackRow[]][] {
  const groups = new Map<number, [ExpiredStackRow, ...ExpiredStackRow[]]>();
  for (const row of rows) {
    const group = groups.get(row.subscriptionId);
    if (group) group.push(row);
    else groups.set(row.subscriptionId, [row]);
  }
  return [...groups.values()];
}
