// A contact form message, forwarded to the sales address; replying answers the sender.
import { format, t } from '../../src/i18n/index.ts';
import { type RenderedMail, renderMail } from './layout.ts';

export interface ContactForwardParams {
  nom: string;
  email: string;
  entreprise: string | null;
  telephone: string | null;
  /** The subject as the visitor chose it, already translated. */
  sujet: string;
  message: string;
  /** ISO date-time. */
  receivedAt: string;
  supportEmail: string;
}

export function contactForwardMail(p: ContactForwardParams): RenderedMail {
  const none = t('mail.contact.none');
  return renderMail({
    subject: t('mail.contact.subject', { sujet: p.sujet, nom: p.nom }),
    preheader: t('mail.contact.preheader'),
    supportEmail: p.supportEmail,
    automatic: false,
    blocks: [
      { kind: 'paragraph', text: t('mail.contact.intro') },
      {
        kind: 'facts',
        rows: [
          [t('mail.contact.fact.nom'), p.nom],
          [t('mail.contact.fact.email'), p.email],
          [t('mail.contact.fact.entreprise'), p.entreprise ?? none],
          [t('mail.contact.fact.telephone'), p.telephone ?? none],
          [t('mail.contact.fact.sujet'), p.sujet],
          [t('mail.contact.fact.date'), format.dateTime(new Date(p.receivedAt))],
        ],
      },
      { kind: 'paragraph', text: p.message },
    ],
  });
}
