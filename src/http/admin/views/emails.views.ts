// « E-mails »: the outbox (filters, statuses, resend) and, with the embedded SMTP sink, its inbox and
// one received message, whose HTML part is shown in a sandboxed frame served with its own strict CSP.
import { html } from 'ghtml';
import type { OutboxFilter, OutboxListItem, SinkMessageSummary, SinkMessageView } from '../../../backoffice/mail-board.service.ts';
import { emailStatuses } from '../../../db/schema.ts';
import { format, type MessageKey, t } from '../../../i18n/index.ts';
import { alert, button, csrfField, hiddenField } from '../../views/components.ts';
import { emailBadge } from './status-badges.ts';

export function templateLabel(template: string): string {
  const key = `admin.emails.template.${template}` as MessageKey;
  const text = t(key);
  return text === key ? template : text;
}

function dateCell(date: Date | null | undefined): string {
  return date ? html`<time datetime="${date.toISOString()}">${format.dateTime(date)}</time>` : '';
}

/** The list's address with its filters, for links and the redirect after a resend. */
export function outboxUrl(filter: OutboxFilter): string {
  const query = new URLSearchParams();
  if (filter.status) query.set('statut', filter.status);
  if (filter.recipient) query.set('destinataire', filter.recipient);
  if (filter.before !== undefined) query.set('avant', String(filter.before));
  const text = query.toString();
  return text ? `/admin/emails?${text}` : '/admin/emails';
}

export function emailTabs(active: 'outbox' | 'inbox', showInbox: boolean): string {
  if (!showInbox) return '';
  const tab = (id: 'outbox' | 'inbox', href: string) => html`<a class="admin-tabs__link" href="${href}"!${id === active ? ' aria-current="page"' : ''}>${t(`admin.emails.tab.${id}`)}</a>`;
  return html`<nav class="admin-tabs" aria-label="${t('admin.emails.tab.label')}">!${tab('outbox', '/admin/emails')}!${tab('inbox', '/admin/emails/boite')}</nav>`;
}

function filterForm(filter: OutboxFilter): string {
  const options = emailStatuses.map((s) => html`<option value="${s}"!${s === filter.status ? ' selected' : ''}>${t(`admin.emails.status.${s}`)}</option>`);
  return html`<form method="get" action="/admin/emails" class="admin-filters" role="search" aria-label="${t('admin.emails.filter.label')}">
  <div class="field"><label class="field__label" for="filtre-statut">${t('admin.emails.filter.status')}</label>
    <select class="select" id="filtre-statut" name="statut"><option value="">${t('admin.emails.filter.allStatuses')}</option>!${options}</select></div>
  <div class="field"><label class="field__label" for="filtre-destinataire">${t('admin.emails.filter.recipient')}</label>
    <input class="input" id="filtre-destinataire" name="destinataire" type="search" value="${filter.recipient ?? ''}" maxlength="200" autocomplete="off" spellcheck="false"></div>
  <div class="cluster cluster--sm">!${button({ label: t('admin.emails.filter.submit'), variant: 'secondary' })}!${filter.status || filter.recipient ? button({ label: t('admin.emails.filter.clear'), variant: 'ghost', href: '/admin/emails' }) : ''}</div>
</form>`;
}

function resendForm(email: OutboxListItem, filter: OutboxFilter, csrfToken: string): string {
  if (email.status === 'queued' || email.status === 'sending') return '';
  const label = t(email.status === 'sent' ? 'admin.emails.resendCopy' : 'admin.emails.resend');
  return html`<form method="post" action="/admin/emails/${email.id}/renvoyer">!${csrfField(csrfToken)}!${filter.status ? hiddenField('statut', filter.status) : ''}!${filter.recipient ? hiddenField('destinataire', filter.recipient) : ''}!${button({ label, variant: 'secondary', size: 'sm' })}</form>`;
}

function outboxRow(email: OutboxListItem, o: EmailsPageOptions): string {
  return html`<tr>
    <td class="nowrap">!${dateCell(email.createdAt)}</td>
    <td class="break-all">${email.recipients.join(', ')}</td>
    <td>${templateLabel(email.template)}</td>
    <td>!${email.clientId !== null ? html`<a href="/admin/clients/${email.clientId}">${email.entreprise ?? t('admin.emails.client', { id: email.clientId })}</a>` : ''}</td>
    <td>!${emailBadge(email.status)}!${email.status === 'failed' ? html`<span class="admin-subline text-small text-muted">${t('admin.emails.nextAttempt', { date: format.dateTime(email.nextAttemptAt) })}</span>` : ''}</td>
    <td class="num">${email.attempts}</td>
    <td class="text-small admin-error-cell">${email.lastError ?? ''}</td>
    <td class="nowrap">!${dateCell(email.sentAt)}</td>
    !${o.canOperate ? html`<td>!${resendForm(email, o.filter, o.csrfToken)}</td>` : ''}
  </tr>`;
}

export interface EmailsPageOptions {
  emails: OutboxListItem[];
  next?: number;
  filter: OutboxFilter;
  csrfToken: string;
  canOperate: boolean;
  showInbox: boolean;
  notice?: string;
  error?: string;
}

const OUTBOX_COLUMNS = ['date', 'recipients', 'template', 'client', 'status', 'attempts', 'lastError', 'sentAt'] as const;

export function emailsBody(o: EmailsPageOptions): string {
  const filtered = Boolean(o.filter.status || o.filter.recipient);
  const table = o.emails.length === 0
    ? html`<p class="text-muted">${t(filtered ? 'admin.emails.emptyFiltered' : 'admin.emails.empty')}</p>`
    : html`<div class="table-wrap" role="region" aria-labelledby="envois-titre" tabindex="0">
    <table class="table table--dense">
      <caption id="envois-titre" class="visually-hidden">${t('admin.emails.table')}</caption>
      <thead><tr>!${OUTBOX_COLUMNS.map((c) => html`<th scope="col">${t(`admin.emails.col.${c}`)}</th>`)}!${o.canOperate ? html`<th scope="col">${t('admin.emails.col.actions')}</th>` : ''}</tr></thead>
      <tbody>!${o.emails.map((email) => outboxRow(email, o))}</tbody>
    </table>
  </div>`;
  const pager = html`<nav class="cluster pagination" aria-label="${t('admin.emails.pager')}">
    !${o.filter.before !== undefined ? html`<a class="btn btn--ghost btn--sm" href="${outboxUrl({ ...o.filter, before: undefined })}">${t('admin.emails.first')}</a>` : ''}
    !${o.next !== undefined ? html`<a class="btn btn--secondary btn--sm" href="${outboxUrl({ ...o.filter, before: o.next })}" rel="next">${t('admin.emails.next')}</a>` : ''}
  </nav>`;
  return html`<div class="stack stack--lg">
  <header><h1>${t('admin.emails.title')}</h1><p class="lead">${t('admin.emails.intro')}</p></header>
  !${emailTabs('outbox', o.showInbox)}
  !${o.notice ? alert({ kind: 'success', text: o.notice, live: true }) : ''}
  !${o.error ? alert({ kind: 'error', text: o.error, live: true }) : ''}
  !${filterForm(o.filter)}
  !${table}
  !${pager}
</div>`;
}

export function inboxBody(o: { messages: SinkMessageSummary[]; next?: number; before?: number }): string {
  const rows = o.messages.map((m) => html`<tr>
    <td class="nowrap">!${dateCell(m.receivedAt)}</td>
    <td class="break-all">${m.envelopeTo.join(', ')}</td>
    <td><a href="/admin/emails/boite/${m.id}">${m.subject || t('admin.inbox.noSubject')}</a></td>
  </tr>`);
  const table = o.messages.length === 0
    ? html`<p class="text-muted">${t('admin.inbox.empty')}</p>`
    : html`<div class="table-wrap" role="region" aria-labelledby="boite-titre" tabindex="0">
    <table class="table table--dense">
      <caption id="boite-titre" class="visually-hidden">${t('admin.inbox.table')}</caption>
      <thead><tr><th scope="col">${t('admin.inbox.col.date')}</th><th scope="col">${t('admin.inbox.col.to')}</th><th scope="col">${t('admin.inbox.col.subject')}</th></tr></thead>
      <tbody>!${rows}</tbody>
    </table>
  </div>`;
  return html`<div class="stack stack--lg">
  <header><h1>${t('admin.emails.title')}</h1><p class="lead">${t('admin.inbox.intro')}</p></header>
  !${emailTabs('inbox', true)}
  !${table}
  <nav class="cluster pagination" aria-label="${t('admin.emails.pager')}">
    !${o.before !== undefined ? html`<a class="btn btn--ghost btn--sm" href="/admin/emails/boite">${t('admin.emails.first')}</a>` : ''}
    !${o.next !== undefined ? html`<a class="btn btn--secondary btn--sm" href="/admin/emails/boite?avant=${o.next}" rel="next">${t('admin.emails.next')}</a>` : ''}
  </nav>
</div>`;
}

export function inboxMessageBody(view: SinkMessageView): string {
  const m = view.message;
  const header = (label: MessageKey, value: string | undefined) => (value ? html`<dt>${t(label)}</dt><dd class="break-all">${value}</dd>` : '');
  return html`<div class="stack stack--lg">
  <p><a href="/admin/emails/boite">${t('admin.inbox.back')}</a></p>
  <header><p class="eyebrow">${t('admin.inbox.eyebrow')}</p><h1>${m.subject || t('admin.inbox.noSubject')}</h1></header>
  !${alert({ kind: 'warning', text: t('admin.inbox.sensitive') })}
  <section class="card stack" aria-labelledby="entetes-titre">
    <h2 id="entetes-titre" class="card__title">${t('admin.inbox.headers')}</h2>
    <dl class="kv">
      !${header('admin.inbox.from', view.from)}
      !${header('admin.inbox.to', view.to)}
      !${header('admin.inbox.envelopeTo', m.envelopeTo.join(', '))}
      !${header('admin.inbox.replyTo', view.replyTo)}
      !${header('admin.inbox.subject', m.subject)}
      <dt>${t('admin.inbox.received')}</dt><dd>!${dateCell(m.receivedAt)}</dd>
      !${header('admin.inbox.messageId', m.messageId)}
    </dl>
  </section>
  <section class="card stack" aria-labelledby="texte-titre">
    <h2 id="texte-titre" class="card__title">${t('admin.inbox.text')}</h2>
    <pre class="mail-text" tabindex="0" aria-labelledby="texte-titre">${view.text}</pre>
  </section>
  <section class="card stack" aria-labelledby="html-titre">
    <h2 id="html-titre" class="card__title">${t('admin.inbox.html')}</h2>
    !${view.hasHtml
      ? html`<p class="hint">${t('admin.inbox.htmlHint')}</p><iframe class="mail-frame" src="/admin/emails/boite/${m.id}/html" sandbox="" referrerpolicy="no-referrer" title="${t('admin.inbox.htmlFrame', { subject: m.subject })}"></iframe>`
      : html`<p class="text-muted">${t('admin.inbox.noHtml')}</p>`}
  </section>
</div>`;
}
