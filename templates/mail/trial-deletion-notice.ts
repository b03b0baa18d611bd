// Two days before the end of the grace period: the instance and its data will be deleted on a date, unless…
import { t } from '../../src/i18n/index.ts';
import { type RenderedMail, renderMail } from './layout.ts';
import { trialDate, trialDateTime } from './trial-dates.ts';

export interface TrialDeletionNoticeParams {
  prenom: string;
  entreprise: string;
  /** ISO date-time of the deletion: the lifecycle deletes at this instant, never sooner. */
  deletionAt: string;
  pricingUrl: string;
  contactUrl: string;
  supportEmail: string;
}

export function trialDeletionNoticeMail(p: TrialDeletionNoticeParams): RenderedMail {
  const date = trialDate(p.deletionAt);
  return renderMail({
    subject: t('mail.trialDeletion.subject', { date }),
    preheader: t('mail.trialDeletion.preheader', { date }),
    supportEmail: p.supportEmail,
    blocks: [
      { kind: 'paragraph', text: t('mail.trialDeletion.greeting', { prenom: p.prenom }) },
      { kind: 'paragraph', text: t('mail.trialDeletion.body', { entreprise: p.entreprise, date }) },
      { kind: 'facts', rows: [[t('mail.trialDeletion.fact.deletion'), trialDateTime(p.deletionAt)]] },
      { kind: 'note', text: t('mail.trialDeletion.warning') },
      { kind: 'paragraph', text: t('mail.trialDeletion.continue') },
      { kind: 'button', label: t('mail.trialDeletion.button'), href: p.pricingUrl },
      { kind: 'paragraph', text: t('mail.trialDeletion.contact', { date, contactUrl: p.contactUrl }) },
      { kind: 'paragraph', text: t('mail.trial.signature') },
    ],
  });
}
