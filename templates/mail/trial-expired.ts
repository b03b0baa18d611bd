// At the end of a trial without an offer: the instance is suspended, its data kept until a date, how to continue.
import { t } from '../../src/i18n/index.ts';
import { type RenderedMail, renderMail } from './layout.ts';
import { trialDate, trialDateTime } from './trial-dates.ts';

export interface TrialExpiredParams {
  prenom: string;
  entreprise: string;
  /** ISO date-time of the end of the trial. */
  trialEndsAt: string;
  /** ISO date-time until which the data is kept, at least. */
  keptUntil: string;
  pricingUrl: string;
  contactUrl: string;
  supportEmail: string;
}

export function trialExpiredMail(p: TrialExpiredParams): RenderedMail {
  const keptUntil = trialDate(p.keptUntil);
  return renderMail({
    subject: t('mail.trialExpired.subject'),
    preheader: t('mail.trialExpired.preheader', { keptUntil }),
    supportEmail: p.supportEmail,
    blocks: [
      { kind: 'paragraph', text: t('mail.trialExpired.greeting', { prenom: p.prenom }) },
      { kind: 'paragraph', text: t('mail.trialExpired.body', { entreprise: p.entreprise, end: trialDateTime(p.trialEndsAt) }) },
      {
        kind: 'facts',
        rows: [
          [t('mail.trialExpired.fact.instance'), t('mail.trialExpired.fact.suspended')],
          [t('mail.trialExpired.fact.keptUntil'), keptUntil],
        ],
      },
      { kind: 'paragraph', text: t('mail.trialExpired.continue') },
      { kind: 'button', label: t('mail.trialExpired.button'), href: p.pricingUrl },
      { kind: 'paragraph', text: t('mail.trialExpired.contact', { contactUrl: p.contactUrl }) },
      { kind: 'note', text: t('mail.trialExpired.deletion', { keptUntil }) },
      { kind: 'paragraph', text: t('mail.trial.signature') },
    ],
  });
}
