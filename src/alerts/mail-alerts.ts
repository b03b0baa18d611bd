// The outbox's alerts: an e-mail given up (`dead`) opens `email_dead:email:<id>`, and that e-mail sent later (a staff
// resend) resolves it. The outcome of each alert e-mail also goes to its alert's timeline. Called by the mail worker
// after it recorded the outcome: a failure here is logged and never changes what happened to the e-mail.
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import { t } from '../i18n/index.ts';
import type { EmailRow } from '../mail/outbox.repository.ts';
import { addAlertEvent } from './alerts.repository.ts';
import type { AlertsService } from './alerts.service.ts';
import { alertOfEmail, EMAIL_CHANNEL } from './channels/email.channel.ts';

export const emailDeadKey = (emailId: number): string => `email_dead:email:${emailId}`;

export interface MailAlerts {
  sent(email: EmailRow): Promise<void>;
  failed(email: EmailRow, failure: { final: boolean; reason: string }): Promise<void>;
}

export function createMailAlerts(deps: { db: Db; alerts: Pick<AlertsService, 'open' | 'resolve'>; log: Logger; now?: () => Date }): MailAlerts {
  const now = deps.now ?? (() => new Date());
  const guard = async (emailId: number, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (err) {
      deps.log.error({ err, emailId }, 'e-mail outcome not recorded in the alerts');
    }
  };
  return {
    sent: (email) => guard(email.id, async () => {
      const alertId = alertOfEmail(email);
      if (alertId !== undefined) {
        await addAlertEvent(deps.db, { alertId, type: 'notified', channel: EMAIL_CHANNEL, detail: String(email.params.notice ?? ''), at: now() });
      }
      await deps.alerts.resolve(emailDeadKey(email.id));
    }),
    failed: (email, { final, reason }) => guard(email.id, async () => {
      const alertId = alertOfEmail(email);
      if (alertId !== undefined) {
        await addAlertEvent(deps.db, { alertId, type: 'delivery_failed', channel: EMAIL_CHANNEL, detail: final ? t('alert.delivery.dead', { reason }) : reason, at: now() });
      }
      if (!final) return;
      await deps.alerts.open({
        kind: 'email_dead', key: emailDeadKey(email.id), clientId: email.clientId,
        params: { emailId: email.id, template: email.template, recipients: email.recipients.join(', '), error: reason },
      });
    }),
  };
}
