// The e-mails the platform knows how to write. Templates live under templates/mail/; the outbox stores a
// template name and its parameters, and the support address and secrets are added when it is sent.
import { alertMail } from '../../templates/mail/alert.ts';
import { contactForwardMail } from '../../templates/mail/contact-forward.ts';
import { deploymentFailedClientMail, deploymentFailedStaffMail } from '../../templates/mail/deployment-failed.ts';
import type { RenderedMail } from '../../templates/mail/layout.ts';
import { trialDeletionNoticeMail } from '../../templates/mail/trial-deletion-notice.ts';
import { trialExpiredMail } from '../../templates/mail/trial-expired.ts';
import { trialReminderMail } from '../../templates/mail/trial-reminder.ts';
import { quotaWarningMail } from '../../templates/mail/quota-warning.ts';
import { welcomeMail } from '../../templates/mail/welcome.ts';

const TEMPLATES = {
  welcome: welcomeMail,
  'deployment-failed-client': deploymentFailedClientMail,
  'deployment-failed-staff': deploymentFailedStaffMail,
  'contact-forward': contactForwardMail,
  alert: alertMail,
  'trial-reminder': trialReminderMail,
  'trial-expired': trialExpiredMail,
  'trial-deletion-notice': trialDeletionNoticeMail,
  'quota-warning': quotaWarningMail,
} as const;

export type MailTemplateName = keyof typeof TEMPLATES;

/** Parameters resolved at send time rather than stored: secrets, and the current support address. */
interface SendTimeParams {
  welcome: 'password' | 'supportEmail';
  'deployment-failed-client': 'supportEmail';
  'deployment-failed-staff': 'supportEmail';
  'contact-forward': 'supportEmail';
  alert: 'supportEmail';
  'trial-reminder': 'supportEmail';
  'trial-expired': 'supportEmail';
  'trial-deletion-notice': 'supportEmail';
  'quota-warning': 'supportEmail';
}

/** What the outbox stores for a template. */
export type StoredParams<N extends MailTemplateName> = Omit<Parameters<(typeof TEMPLATES)[N]>[0], SendTimeParams[N]>;

export function renderEmail(template: string, params: Record<string, unknown>): RenderedMail {
  if (!(template in TEMPLATES)) throw new Error(`unknown e-mail template "${template}"`);
  // Stored parameters were typed when queued (StoredParams); the rest is added by the sender.
  const render = TEMPLATES[template as MailTemplateName] as unknown as (p: Record<string, unknown>) => RenderedMail;
  return render(params);
}
