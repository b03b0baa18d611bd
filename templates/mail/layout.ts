// The one layout of every e-mail: a message is a list of blocks, rendered twice from the same list,
// as responsive HTML for mail clients (tables, inline styles, no image) and as plain text.
import { html } from 'ghtml';
import { t } from '../../src/i18n/index.ts';

export type MailBlock =
  | { kind: 'paragraph'; text: string }
  | { kind: 'button'; label: string; href: string }
  | { kind: 'facts'; rows: readonly (readonly [label: string, value: string])[] }
  | { kind: 'note'; text: string };

export interface MailContent {
  subject: string;
  /** The line mail clients show after the subject in the inbox. */
  preheader: string;
  blocks: readonly MailBlock[];
  supportEmail: string;
  /** Customer e-mails say why they were sent; staff e-mails do not need to. */
  automatic?: boolean;
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

const FONT = 'font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif';
const NAVY = '#0b2545';
const INK = '#1f2933';
const MUTED = '#52606d';
const ORANGE = '#f97316';
const NOTE_BG = '#fff4ec';
const NOTE_BORDER = '#b4440e';

export function renderMail(content: MailContent): RenderedMail {
  return { subject: content.subject, html: renderHtml(content), text: renderText(content) };
}

function renderHtml(content: MailContent): string {
  return html`<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${content.subject}</title>
</head>
<body style="margin:0;padding:0;background:#f2f6fb;">
<div style="display:none;max-height:0;overflow:hidden;">${content.preheader}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f2f6fb;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background:#ffffff;border-radius:8px;">
<tr><td style="background:${NAVY};padding:20px 28px;border-radius:8px 8px 0 0;${FONT};font-size:20px;font-weight:700;color:#ffffff;">
${t('mail.brand')}<span style="color:${ORANGE};">.</span>
</td></tr>
<tr><td style="padding:28px;${FONT};font-size:16px;line-height:1.55;color:${INK};">
!${content.blocks.map(blockHtml).join('\n')}
</td></tr>
<tr><td style="padding:20px 28px;border-top:1px solid #e3ebf5;${FONT};font-size:13px;line-height:1.5;color:${MUTED};">
!${footerLines(content).map((line) => html`<p style="margin:0 0 6px;">${line}</p>`).join('')}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>`;
}

function blockHtml(block: MailBlock): string {
  switch (block.kind) {
    case 'paragraph':
      return html`<p style="margin:0 0 16px;">!${lines(block.text)}</p>`;
    case 'note':
      return html`<p style="margin:0 0 16px;padding:12px 14px;background:${NOTE_BG};border-left:4px solid ${NOTE_BORDER};">!${lines(block.text)}</p>`;
    case 'button':
      return html`<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 24px;"><tr>
<td style="background:${ORANGE};border-radius:6px;"><a href="${block.href}" style="display:inline-block;padding:12px 22px;${FONT};font-size:16px;font-weight:700;color:${NAVY};text-decoration:none;">${block.label}</a></td>
</tr></table>`;
    case 'facts':
      return html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 20px;border:1px solid #e3ebf5;border-radius:6px;">
!${block.rows.map(([label, value]) => html`<tr><td style="padding:10px 14px;border-bottom:1px solid #e3ebf5;width:36%;color:${MUTED};font-size:14px;vertical-align:top;">${label}</td><td style="padding:10px 14px;border-bottom:1px solid #e3ebf5;font-weight:600;font-size:15px;overflow-wrap:anywhere;word-break:break-word;vertical-align:top;">!${lines(value)}</td></tr>`).join('\n')}
</table>`;
  }
}

/** Escaped text whose line breaks become `<br>`. */
function lines(text: string): string {
  return text.split('\n').map((line) => html`${line}`).join('<br>');
}

function renderText(content: MailContent): string {
  const parts = content.blocks.map((block) => {
    switch (block.kind) {
      case 'paragraph':
        return block.text;
      case 'note':
        return `> ${block.text.replaceAll('\n', '\n> ')}`;
      case 'button':
        return `${block.label}\u00a0: ${block.href}`;
      case 'facts':
        return block.rows.map(([label, value]) => `${label}\u00a0: ${value}`).join('\n');
    }
  });
  return `${parts.join('\n\n')}\n\n-- \n${footerLines(content).join('\n')}\n`;
}

function footerLines(content: MailContent): string[] {
  const footer = [t('mail.footer'), t('mail.footer.support', { supportEmail: content.supportEmail })];
  if (content.automatic !== false) footer.push(t('mail.footer.automatic'));
  return footer;
}
