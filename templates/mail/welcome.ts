// Sent when the instance is ready: where it is, how to log in, until when the trial runs.
import { format, t } from '../../src/i18n/index.ts';
import { type RenderedMail, renderMail } from './layout.ts';

export interface WelcomeParams {
  prenom: string;
  entreprise: string;
  url: string;
  username: string;
  /** Decrypted at send time; never stored in the outbox. */
  password: string;
  planName: string;
  /** ISO date-time; null for a plan without trial. */
  trialEndsAt: string | null;
  supportEmail: string;
}

export function welcomeMail(p: WelcomeParams): RenderedMail {
  const trialEnd = p.trialEndsAt ? format.date(new Date(p.trialEndsAt)) : null;
  return renderMail({
    subject: t('mail.welcome.subject', { prenom: p.prenom }),
    preheader: t('mail.welcome.preheader'),
    supportEmail: p.supportEmail,
    blocks: [
      { kind: 'paragraph', text: t('mail.welcome.greeting', { prenom: p.prenom }) },
      { kind: 'paragraph', text: t('mail.welcome.intro', { entreprise: p.entreprise }) },
      {
        kind: 'facts',
        rows: [
          [t('mail.welcome.fact.url'), p.url],
          [t('mail.welcome.fact.username'), p.username],
          [t('mail.welcome.fact.password'), p.password],
          [t('mail.welcome.fact.plan'), p.planName],
          ...(trialEnd ? [[t('mail.welcome.fact.trialEnd'), trialEnd] as const] : []),
        ],
      },
      { kind: 'note', text: t('mail.welcome.passwordNote') },
      { kind: 'button', label: t('mail.welcome.button'), href: p.url },
      ...(trialEnd ? [{ kind: 'paragraph', text: t('mail.welcome.trial', { date: trialEnd }) } as const] : []),
      { kind: 'paragraph', text: t('mail.welcome.signature') },
    ],
  });
}
