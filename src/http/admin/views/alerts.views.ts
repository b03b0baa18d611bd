// « Alertes »: the list by status (tabs), one alert with its facts and timeline, and the compact list the
// overview shows. Every text from the alert (parameters, errors, names) is user or system data: escaped.
import { html } from 'ghtml';
import { type AlertFact, alertFactRows, alertTarget, alertTitle } from '../../../alerts/alert-texts.ts';
import type { AlertEventRow, AlertListItem } from '../../../alerts/alerts.service.ts';
import type { AlertStatus } from '../../../db/schema.ts';
import { format, type MessageKey, t } from '../../../i18n/index.ts';
import { alert as notice, badge, type BadgeKind, button, csrfField } from '../../views/components.ts';

export type AlertTab = AlertStatus | 'all';
export const ALERT_TABS: readonly AlertTab[] = ['open', 'acknowledged', 'resolved', 'all'];

const STATUS_BADGE: Record<AlertStatus, BadgeKind> = { open: 'error', acknowledged: 'warning', resolved: 'success' };

export function alertStatusBadge(status: AlertStatus): string {
  return badge({ kind: STATUS_BADGE[status], text: t(`alert.status.${status}`) });
}

function dateCell(date: Date | null | undefined): string {
  return date ? html`<time datetime="${date.toISOString()}">${format.dateTime(date)}</time>` : '';
}

export function alertsUrl(tab: AlertTab, before?: number): string {
  const query = new URLSearchParams();
  if (tab !== 'open') query.set('statut', tab);
  if (before !== undefined) query.set('avant', String(before));
  const text = query.toString();
  return text ? `/admin/alertes?${text}` : '/admin/alertes';
}

/** What is affected, linked to the client's page when there is one. */
export function alertTargetHtml(a: AlertListItem): string {
  const target = alertTarget(a);
  return a.clientId !== null ? html`<a href="/admin/clients/${a.clientId}">${target}</a>` : html`${target}`;
}

function lastNotified(a: AlertListItem): string {
  return a.lastNotifiedAt ? dateCell(a.lastNotifiedAt) : html`<span class="text-muted">${t('admin.alerts.notNotified')}</span>`;
}

const COLUMNS = ['kind', 'target', 'opened', 'lastNotified', 'status'] as const;

export function alertsTable(alerts: AlertListItem[], caption: string): string {
  const rows = alerts.map((a) => html`<tr>
    <th scope="row"><a href="/admin/alertes/${a.id}">${alertTitle(a.kind)}</a> <span class="text-muted text-small">${t('admin.alerts.number', { id: a.id })}</span></th>
    <td>!${alertTargetHtml(a)}</td>
    <td class="nowrap">!${dateCell(a.openedAt)}</td>
    <td class="nowrap">!${lastNotified(a)}</td>
    <td>!${alertStatusBadge(a.status)}</td>
  </tr>`);
  return html`<div class="table-wrap" role="region" aria-label="${caption}" tabindex="0">
  <table class="table table--dense">
    <caption class="visually-hidden">${caption}</caption>
    <thead><tr>!${COLUMNS.map((c) => html`<th scope="col">${t(`admin.alerts.col.${c}`)}</th>`)}</tr></thead>
    <tbody>!${rows}</tbody>
  </table>
</div>`;
}

function tabs(active: AlertTab, counts: { open: number; acknowledged: number }): string {
  const label = (tab: AlertTab) => {
    const text = t(`admin.alerts.tab.${tab}`);
    return tab === 'open' || tab === 'acknowledged' ? t('admin.alerts.tab.count', { label: text, count: counts[tab] }) : text;
  };
  const links = ALERT_TABS.map((tab) => html`<a class="admin-tabs__link" href="${alertsUrl(tab)}"!${tab === active ? ' aria-current="page"' : ''}>${label(tab)}</a>`);
  return html`<nav class="admin-tabs" aria-label="${t('admin.alerts.tab.label')}">!${links}</nav>`;
}

export interface AlertsPageOptions {
  alerts: AlertListItem[];
  counts: { open: number; acknowledged: number };
  next?: number;
  tab: AlertTab;
  before?: number;
}

export function alertsBody(o: AlertsPageOptions): string {
  const list = o.alerts.length === 0 ? html`<p class="text-muted">${t(`admin.alerts.empty.${o.tab}`)}</p>` : alertsTable(o.alerts, t('admin.alerts.table'));
  const pager = html`<nav class="cluster pagination" aria-label="${t('admin.alerts.pager')}">
    !${o.before !== undefined ? html`<a class="btn btn--ghost btn--sm" href="${alertsUrl(o.tab)}">${t('admin.alerts.first')}</a>` : ''}
    !${o.next !== undefined ? html`<a class="btn btn--secondary btn--sm" href="${alertsUrl(o.tab, o.next)}" rel="next">${t('admin.alerts.next')}</a>` : ''}
  </nav>`;
  return html`<div class="stack stack--lg">
  <header><h1>${t('admin.alerts.title')}</h1><p class="lead">${t('admin.alerts.intro')}</p></header>
  !${tabs(o.tab, o.counts)}
  !${list}
  !${pager}
</div>`;
}

function channelLabel(channel: string | null): string {
  if (!channel) return '';
  const webhook = /^webhook:(\d+)$/.exec(channel);
  return webhook ? t('alert.channel.webhook', { n: webhook[1]! }) : channel === 'email' ? t('alert.channel.email') : channel;
}

function noticeWord(kind: string | null): string {
  const key = `admin.alerts.noticeKind.${kind}` as MessageKey;
  const text = t(key);
  return text === key ? (kind ?? '') : text;
}

/** One timeline line: the event in words, and its detail (an error, the new occurrence) when it has one. */
function eventLine(e: AlertEventRow): { text: string; extra?: string; detail?: string } {
  switch (e.type) {
    case 'suppressed':
      return { text: t('admin.alerts.event.suppressed'), extra: e.detail ? html`<a href="/admin/alertes/${e.detail}">${t('admin.alerts.eyebrow', { id: e.detail })}</a>` : undefined };
    case 'notice': {
      const key = `admin.alerts.event.notice.${e.detail}` as MessageKey;
      const text = t(key);
      return { text: text === key ? e.type : text };
    }
    case 'notified':
      return { text: t('admin.alerts.event.notified', { channel: channelLabel(e.channel), notice: noticeWord(e.detail) }) };
    case 'delivery_failed':
      return { text: t('admin.alerts.event.delivery_failed', { channel: channelLabel(e.channel) }), detail: e.detail ?? undefined };
    case 'acknowledged':
      return { text: t('admin.alerts.event.acknowledged', { who: e.detail ?? '' }) };
    case 'repeated':
      return { text: t('admin.alerts.event.repeated'), detail: e.detail ?? undefined };
    default: {
      const key = `admin.alerts.event.${e.type}` as MessageKey;
      const text = t(key);
      return { text: text === key ? e.type : text, detail: e.detail ?? undefined };
    }
  }
}

function timelineItem(e: AlertEventRow): string {
  const line = eventLine(e);
  return html`<li id="alert-event-${e.id}" data-type="${e.type}">
    <time datetime="${e.createdAt.toISOString()}">${format.dateTime(e.createdAt)}</time>
    <span>${line.text}</span>!${line.extra ? html` !${line.extra}` : ''}
    !${line.detail ? html`<span class="admin-event__detail">${line.detail}</span>` : ''}
  </li>`;
}

function summary(a: AlertListItem): string {
  const acknowledged = a.acknowledgedAt
    ? t('admin.alerts.fact.acknowledgedBy', { date: format.dateTime(a.acknowledgedAt), who: a.acknowledgedByEmail ?? '—' })
    : '—';
  return html`<dl class="kv">
    <dt>${t('admin.alerts.fact.status')}</dt><dd>!${alertStatusBadge(a.status)}</dd>
    <dt>${t('admin.alerts.fact.kind')}</dt><dd>${alertTitle(a.kind)}</dd>
    <dt>${t('admin.alerts.fact.target')}</dt><dd>!${alertTargetHtml(a)}</dd>
    !${a.clientId !== null ? html`<dt>${t('admin.alerts.fact.client')}</dt><dd><a href="/admin/clients/${a.clientId}">${a.entreprise ?? String(a.clientId)}</a></dd>` : ''}
    !${a.environment ? html`<dt>${t('admin.alerts.fact.environment')}</dt><dd>${a.environment}</dd>` : ''}
    <dt>${t('admin.alerts.fact.key')}</dt><dd class="mono text-small">${a.key}</dd>
    <dt>${t('admin.alerts.fact.opened')}</dt><dd>!${dateCell(a.openedAt)}</dd>
    <dt>${t('admin.alerts.fact.lastNotified')}</dt><dd>!${lastNotified(a)}</dd>
    <dt>${t('admin.alerts.fact.acknowledged')}</dt><dd>${acknowledged}</dd>
    <dt>${t('admin.alerts.fact.resolved')}</dt><dd>!${dateCell(a.resolvedAt) || '—'}</dd>
  </dl>`;
}

/** A fact's value; the failed deployment links to its page. */
function factValue(fact: AlertFact): string {
  const id = Number(fact.value);
  return fact.name === 'deploymentId' && Number.isSafeInteger(id) && id > 0
    ? html`<a href="/admin/deploiements/${id}">${t('admin.alerts.number', { id })}</a>`
    : html`${fact.value}`;
}

function details(a: AlertListItem): string {
  const facts = alertFactRows(a);
  if (facts.length === 0) return '';
  return html`<section class="card stack" aria-labelledby="alerte-details"><h2 id="alerte-details" class="card__title">${t('admin.alerts.details')}</h2>
  <dl class="kv">!${facts.map((f) => html`<dt>${f.label}</dt><dd class="admin-alert__value">!${factValue(f)}</dd>`)}</dl></section>`;
}

export interface AlertPageOptions {
  alert: AlertListItem;
  events: AlertEventRow[];
  canOperate: boolean;
  csrfToken: string;
  notice?: string;
  error?: string;
}

export function alertPageBody(o: AlertPageOptions): string {
  const a = o.alert;
  const acknowledge = a.status === 'open' && o.canOperate
    ? html`<div class="cluster"><form method="post" action="/admin/alertes/${a.id}/acquitter">!${csrfField(o.csrfToken)}!${button({ label: t('admin.alerts.acknowledge'), variant: 'primary' })}</form><p class="hint">${t('admin.alerts.acknowledgeHint')}</p></div>`
    : '';
  return html`<div class="stack stack--lg">
  <p><a href="/admin/alertes">${t('admin.alerts.back')}</a></p>
  <header class="page-head">
    <div>
      <p class="eyebrow">${t('admin.alerts.eyebrow', { id: a.id })}</p>
      <h1>${alertTitle(a.kind)} — ${alertTarget(a)}</h1>
      <p class="lead">!${alertStatusBadge(a.status)}</p>
    </div>
  </header>
  !${o.notice ? notice({ kind: 'success', text: o.notice, live: true }) : ''}
  !${o.error ? notice({ kind: 'error', text: o.error, live: true }) : ''}
  !${acknowledge}
  <div class="grid grid--2">
    <section class="card stack" aria-labelledby="alerte-resume"><h2 id="alerte-resume" class="card__title">${t('admin.alerts.summary')}</h2>!${summary(a)}</section>
    !${details(a)}
  </div>
  <section class="card stack" aria-labelledby="alerte-chronologie">
    <h2 id="alerte-chronologie" class="card__title">${t('admin.alerts.timeline')}</h2>
    <p class="hint">${t('admin.alerts.timelineHint')}</p>
    <ol class="event-list admin-events admin-alert-timeline">!${o.events.map(timelineItem)}</ol>
  </section>
</div>`;
}
