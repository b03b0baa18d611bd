// An alert notice to the staff (ADMIN_EMAILS): opened, reminder or recovery, with what is affected, the
// alert's facts and the link to its page in the dashboard. The texts are rendered when the notice is queued.
import { format, t } from '../../src/i18n/index.ts';
import { type MailBlock, type RenderedMail, renderMail } from './layout.ts';

export interface AlertMailParams {
  /** `opened`, `reminder` or `resolved`. */
  notice: string;
  alertId: number;
  title: string;
  target: string;
  /** ISO date the alert opened. */
  openedAt: string;
  /** The alert's page in the dashboard. */
  url: string;
  /** JSON array of [label, value] rows. */
  facts: string;
  supportEmail: string;
}

const NOTICES = ['opened', 'reminder', 'resolved'] as const;
type Notice = (typeof NOTICES)[number];

function parseFacts(raw: string): [string, string][] {
  try {
    const rows: unknown = JSON.parse(raw);
    return Array.isArray(rows) ? rows.filter((r): r is [string, string] => Array.isArray(r) && r.length === 2).map(([l, v]) => [String(l), String(v)]) : [];
  } catch {
    return [];
  }
}

export function alertMail(p: AlertMailParams): RenderedMail {
  const notice: Notice = (NOTICES as readonly string[]).includes(p.notice) ? p.notice as Notice : 'opened';
  const openedAt = format.dateTime(new Date(p.openedAt));
  const blocks: MailBlock[] = [
    { kind: 'paragraph', text: t(`alert.notice.${notice}.intro`) },
    {
      kind: 'facts',
      rows: [
        [t('alert.notice.fact.kind'), p.title],
        [t('alert.notice.fact.target'), p.target],
        [t('alert.notice.fact.openedAt'), openedAt],
        ...parseFacts(p.facts),
      ],
    },
    { kind: 'button', label: t('alert.notice.link', { id: p.alertId }), href: p.url },
  ];
  if (notice !== 'resolved') blocks.push({ kind: 'paragraph', text: t('alert.notice.acknowledgeHint') });
  return renderMail({
    subject: t(`alert.notice.${notice}.subject`, { title: p.title, target: p.target }),
    preheader: t('alert.notice.preheader', { target: p.target, date: openedAt }),
    supportEmail: p.supportEmail,
    automatic: false,
    blocks,
  });
}
