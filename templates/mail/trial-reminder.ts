// J-7, J-3 and J-1 before the end of a trial: when it ends, what happens then, how to continue.
import { t } from '../../src/i18n/index.ts';
import { type MailBlock, type RenderedMail, renderMail } from './layout.ts';
import { trialDate, trialDateTime } from './trial-dates.ts';

export interface TrialReminderParams {
  prenom: string;
  entreprise: string;
  /** The reminder (7, 3 or 1); `daysLeft` may be lower when a run came late. */
  stage: number;
  /** Paris calendar days before the trial's end date (0 on that date). */
  daysLeft: number;
  /** ISO date-time of the end of the trial. */
  trialEndsAt: string;
  /** How long the data is kept once the trial has ended. */
  graceDays: number;
  instanceUrl: string | null;
  pricingUrl: string;
  contactUrl: string;
  supportEmail: string;
}

export function trialReminderMail(p: TrialReminderParams): RenderedMail {
  const when = p.daysLeft >= 2 ? 'days' : p.daysLeft === 1 ? 'tomorrow' : 'today';
  const values = { days: p.daysLeft, date: trialDate(p.trialEndsAt), end: trialDateTime(p.trialEndsAt), entreprise: p.entreprise };
  const facts: (readonly [string, string])[] = [
    [t('mail.trialReminder.fact.end'), trialDateTime(p.trialEndsAt)],
    [t('mail.trialReminder.fact.daysLeft'), String(p.daysLeft)],
  ];
  if (p.instanceUrl) facts.push([t('mail.trialReminder.fact.instance'), p.instanceUrl]);
  const blocks: MailBlock[] = [
    { kind: 'paragraph', text: t('mail.trialReminder.greeting', { prenom: p.prenom }) },
    { kind: 'paragraph', text: t(`mail.trialReminder.intro.${when}`, values) },
    { kind: 'facts', rows: facts },
    { kind: 'paragraph', text: t('mail.trialReminder.after', { graceDays: p.graceDays }) },
    { kind: 'paragraph', text: t('mail.trialReminder.continue') },
    { kind: 'button', label: t('mail.trialReminder.button'), href: p.pricingUrl },
    { kind: 'paragraph', text: t('mail.trialReminder.contact', { contactUrl: p.contactUrl }) },
    { kind: 'paragraph', text: t('mail.trial.signature') },
  ];
  return renderMail({
    subject: t(`mail.trialReminder.subject.${when}`, values),
    preheader: t('mail.trialReminder.preheader'),
    supportEmail: p.supportEmail,
    blocks,
  });
}
