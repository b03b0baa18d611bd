// The e-mail channel: one outbox row per notice, to ADMIN_EMAILS, written in the notice's transaction. Its dedupe
// key names the alert and the notice (`alert:<alertId>:<noticeId>`), so a notice is e-mailed once whatever happens.
import type { Transaction } from '../../db/transaction.ts';
import type { QueueEmail } from '../../mail/outbox.ts';
import { alertFacts, alertTarget, alertTitle, alertUrl } from '../alert-texts.ts';
import type { AlertRow, NoticeKind } from '../alerts.repository.ts';

export const EMAIL_CHANNEL = 'email';

export function alertEmailKey(alertId: number, noticeId: number): string {
  return `alert:${alertId}:${noticeId}`;
}

/** The alert an outbox row notifies, from its dedupe key; undefined for any other e-mail. */
export function alertOfEmail(email: { template: string; dedupeKey: string }): number | undefined {
  if (email.template !== 'alert') return undefined;
  const match = /^alert:(\d+):\d+$/.exec(email.dedupeKey);
  return match ? Number(match[1]) : undefined;
}

/**
 * A dead alert e-mail opens an `email_dead` alert like any other; that alert is not e-mailed (the same server would
 * refuse it, and each refusal would open another): webhooks and the dashboard tell it.
 */
export function emailChannelOpen(alert: Pick<AlertRow, 'kind' | 'params'>): boolean {
  return !(alert.kind === 'email_dead' && alert.params.template === 'alert');
}

export async function queueAlertEmail(
  transaction: Transaction,
  deps: { queueEmail: QueueEmail; adminEmails: readonly string[]; publicUrl: string },
  alert: AlertRow, notice: NoticeKind, noticeId: number,
): Promise<void> {
  await deps.queueEmail(transaction, {
    template: 'alert',
    to: [...deps.adminEmails],
    dedupeKey: alertEmailKey(alert.id, noticeId),
    params: {
      notice, alertId: alert.id, title: alertTitle(alert.kind), target: alertTarget(alert), openedAt: alert.openedAt.toISOString(),
      url: alertUrl(deps.publicUrl, alert.id), facts: JSON.stringify(alertFacts(alert)),
    },
    ...(alert.clientId !== null ? { clientId: alert.clientId } : {}),
  });
}
