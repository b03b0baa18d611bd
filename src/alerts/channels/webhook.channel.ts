// The webhook channel: a Slack-compatible JSON message (`text`, and `blocks` for clients that read them) POSTed
// to each URL of ALERT_WEBHOOK_URLS. A URL often holds a token: it is never logged nor stored, a webhook is named
// by its position in the list (`webhook:1`).
import { format, t } from '../../i18n/index.ts';
import { alertFacts, alertUrl, noticeSubject } from '../alert-texts.ts';
import type { AlertRow, NoticeKind } from '../alerts.repository.ts';

export const webhookChannel = (n: number): string => `webhook:${n}`;

export interface SlackMessage {
  text: string;
  blocks: object[];
}

const MARK: Record<NoticeKind, string> = { opened: '🔴', reminder: '🟠', resolved: '✅' };

/** Slack reads `&`, `<` and `>` as markup: user data is escaped (names, errors). */
function escapeSlack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function slackMessage(alert: AlertRow, notice: NoticeKind, publicUrl: string): SlackMessage {
  const url = alertUrl(publicUrl, alert.id);
  const when = t('alert.notice.openedAt', { date: format.dateTime(alert.openedAt) });
  const subject = noticeSubject(notice, alert);
  const facts = alertFacts(alert).map(([label, value]) => `*${escapeSlack(label)}*\u00a0: ${escapeSlack(value)}`);
  return {
    text: `${MARK[notice]} ${escapeSlack(subject)} — ${when} — ${url}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${MARK[notice]} *${escapeSlack(subject)}*` } },
      ...(facts.length ? [{ type: 'section', text: { type: 'mrkdwn', text: facts.join('\n').slice(0, 2900) } }] : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: `${when} · <${url}|${escapeSlack(t('alert.notice.link', { id: alert.id }))}>` }] },
    ],
  };
}

export type WebhookOutcome = { ok: true } | { ok: false; reason: string };

/** One POST; any 2xx is a delivery. The reason of a failure never contains the URL. */
export async function postWebhook(url: string, message: SlackMessage, timeoutMs: number): Promise<WebhookOutcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'ERP-BTP-Cloud-alerts' },
      body: JSON.stringify(message),
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel().catch(() => undefined);
    return response.ok ? { ok: true } : { ok: false, reason: `HTTP ${response.status}` };
  } catch (error) {
    const err = error as Error & { cause?: { code?: string } };
    if (err.name === 'TimeoutError') return { ok: false, reason: `no answer within ${Math.round(timeoutMs / 1000)} s` };
    return { ok: false, reason: err.cause?.code ?? err.name };
  }
}
