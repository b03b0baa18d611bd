// « Fiche client »: contact and consent, subscription and its actions, the instance (state, health:
// uptime and last checks, containers, logs) and its actions, credentials on demand, usage against the plan's quotas,
// deployments, e-mails, audit trail. An erased client (RGPD) gets its own page: a banner saying so and where the deletion
// of its instances stands, its anonymised accounting record, its history; no personal data, no action.
import { html } from 'ghtml';
import type { ClientRecord, ErasureView, InstanceView } from '../../../backoffice/client-record.service.ts';
import type { RevealedCredentials } from '../../../backoffice/client-actions.service.ts';
import { isErasedAddress } from '../../../clients/erased-client.ts';
import { format, type MessageKey, t } from '../../../i18n/index.ts';
import type { Plan } from '../../../plans/plan.ts';
import { findPlan } from '../../../plans/plans.ts';
import { can } from '../../../staff/roles.ts';
import { type QuotaResource, quotaResources, type StaffRole } from '../../../db/schema.ts';
import { amountText, gigabytes } from '../../../quotas/quota-messages.ts';
import { levelOf, limitOf, percentOf, type UsageLevel, usedOf } from '../../../quotas/quota-rules.ts';
import type { UsageSample } from '../../../quotas/quotas.repository.ts';
import { alert, badge, button, csrfField, textField } from '../../views/components.ts';
import { auditTable } from './audit.views.ts';
import { deploymentBadge, emailBadge, erasedBadge, stackBadge, subscriptionBadge } from './status-badges.ts';
import { templateLabel } from './emails.views.ts';
import { clientDeployments } from './client-history.views.ts';

export interface ClientPageOptions {
  record: ClientRecord;
  instance?: InstanceView;
  plans: readonly Plan[];
  role: StaffRole;
  csrfToken: string;
  now: Date;
  notice?: string;
  error?: string;
  revealed?: RevealedCredentials;
  revealError?: string;
}

const EXTENSIONS = [7, 14, 30];
const shortTime = new Intl.DateTimeFormat('fr-FR', { timeStyle: 'short', timeZone: 'Europe/Paris' });
const ACTIVE: readonly string[] = ['queued', 'running', 'compensating'];

function contactCard({ record }: ClientPageOptions): string {
  const { client, subscription } = record;
  return html`<section class="card stack" aria-labelledby="contact">
  <h2 id="contact" class="card__title">${t('admin.client.contact.title')}</h2>
  <dl class="kv">
    <dt>${t('admin.client.contact.name')}</dt><dd>${client.prenom} ${client.nom}</dd>
    <dt>${t('admin.client.contact.email')}</dt><dd><a href="mailto:${client.email}">${client.email}</a></dd>
    <dt>${t('admin.client.contact.phone')}</dt><dd><a href="tel:${client.telephone.replace(/\s/g, '')}">${client.telephone}</a></dd>
    <dt>${t('admin.client.contact.size')}</dt><dd>${client.effectif}</dd>
    <dt>${t('admin.client.contact.since')}</dt><dd>${format.dateTime(client.createdAt)}</dd>
  </dl>
  !${subscription ? html`<h3 class="text-small">${t('admin.client.consent.title')}</h3>
  <p class="text-small">${t('admin.client.consent.cgv', { date: format.dateTime(subscription.cgvAcceptedAt) })}<br>${t('admin.client.consent.ip', { ip: subscription.consentIp })}</p>` : ''}
</section>`;
}

function subscriptionCard(o: ClientPageOptions): string {
  const { subscription, plan } = o.record;
  if (!subscription) return html`<section class="card"><h2 class="card__title">${t('admin.client.subscription.title')}</h2><p>${t('admin.client.subscription.none')}</p></section>`;
  const daysLeft = subscription.trialEndsAt ? Math.ceil((subscription.trialEndsAt.getTime() - o.now.getTime()) / 86_400_000) : undefined;
  const price = subscription.priceCents === null ? t('admin.client.subscription.priceQuoted') : t('admin.client.subscription.perMonth', { price: format.euros(subscription.priceCents / 100) });
  const operate = can(o.role, 'instances:operate');
  const manage = can(o.role, 'subscriptions:manage');
  const isTrial = subscription.status === 'trialing' || subscription.status === 'expired';
  return html`<section class="card stack" aria-labelledby="abonnement">
  <h2 id="abonnement" class="card__title">${t('admin.client.subscription.title')}</h2>
  <dl class="kv">
    <dt>${t('admin.client.subscription.plan')}</dt><dd>${plan?.name ?? subscription.plan}</dd>
    <dt>${t('admin.client.subscription.price')}</dt><dd>${price}</dd>
    <dt>${t('admin.client.subscription.status')}</dt><dd>!${subscriptionBadge(subscription.status)}</dd>
    !${subscription.trialEndsAt ? html`<dt>${t('admin.client.subscription.trialEnd')}</dt><dd>${format.date(subscription.trialEndsAt)}!${isTrial ? html` (${daysLeft! > 0 ? t('admin.client.subscription.daysLeft', { days: daysLeft! }) : t('admin.client.subscription.ended')})` : ''}</dd>` : ''}
    <dt>${t('admin.client.subscription.started')}</dt><dd>${format.date(subscription.startedAt)}</dd>
    !${subscription.convertedAt ? html`<dt>${t('admin.client.subscription.converted')}</dt><dd>${format.date(subscription.convertedAt)}</dd>` : ''}
  </dl>
  !${operate && isTrial ? html`<form method="post" action="/admin/clients/${o.record.client.id}/essai" class="inline-form">!${csrfField(o.csrfToken)}
    <label for="jours">${t('admin.client.extend.label')}</label>
    <select class="select select--sm" id="jours" name="jours">!${EXTENSIONS.map((d) => html`<option value="${d}">${t('admin.client.extend.days', { days: d })}</option>`)}</select>
    !${button({ label: t('admin.client.extend.submit'), variant: 'secondary', size: 'sm' })}
  </form>` : ''}
  !${manage ? html`<form method="post" action="/admin/clients/${o.record.client.id}/offre" class="inline-form">!${csrfField(o.csrfToken)}
    <label for="offre">${t('admin.client.plan.label')}</label>
    <select class="select select--sm" id="offre" name="offre">!${o.plans.map((p) => html`<option value="${p.id}"!${p.id === subscription.plan ? ' selected' : ''}>${p.name}</option>`)}</select>
    !${button({ label: t('admin.client.plan.submit'), variant: 'secondary', size: 'sm' })}
  </form>
  !${subscription.status !== 'cancelled' ? html`<form method="post" action="/admin/clients/${o.record.client.id}/resilier" class="inline-form">!${csrfField(o.csrfToken)}
    !${button({ label: t('admin.client.cancel.submit'), variant: 'danger', size: 'sm' })}<span class="text-small text-muted">${t('admin.client.cancel.help')}</span>
  </form>` : ''}` : ''}
</section>`;
}

function instanceDetails(view: InstanceView | undefined): string {
  if (!view) return '';
  if ('error' in view) return alert({ kind: 'warning', text: t('admin.client.instance.unavailable', { reason: view.error }) });
  const containers = view.status.containers.map((c) => html`<li><span class="mono">${c.name}</span> · ${c.status}</li>`);
  return html`<h3 class="text-small">${t('admin.client.instance.containers')}</h3>
  <ul class="list-reset text-small">!${containers}</ul>
  <details><summary>${t('admin.client.instance.logs')}</summary><pre class="log-tail">${view.logs || t('admin.client.instance.noLogs')}</pre></details>`;
}

function instanceActions(o: ClientPageOptions): string {
  const stack = o.record.stack!;
  if (stack.observedState === 'deleted') return '';
  const id = o.record.client.id;
  const operate = can(o.role, 'instances:operate');
  const stopped = stack.desiredState === 'stopped';
  const running = o.record.deployments.find((d) => ACTIVE.includes(d.state));
  if (running) return html`<p class="text-small text-muted">${t('admin.client.actions.waiting', { id: running.id })}</p>`;
  const actions = operate ? html`<div class="cluster cluster--sm">
    !${stopped
    ? html`<form method="post" action="/admin/clients/${id}/instance/reprendre">!${csrfField(o.csrfToken)}!${button({ label: t('admin.client.actions.resume'), size: 'sm' })}</form>`
    : html`<form method="post" action="/admin/clients/${id}/instance/suspendre">!${csrfField(o.csrfToken)}!${button({ label: t('admin.client.actions.suspend'), variant: 'secondary', size: 'sm' })}</form>
      <form method="post" action="/admin/clients/${id}/instance/redeployer">!${csrfField(o.csrfToken)}!${button({ label: t('admin.client.actions.redeploy'), variant: 'secondary', size: 'sm' })}</form>`}
  </div>` : '';
  const remove = can(o.role, 'subscriptions:manage') ? html`<details class="danger-zone"><summary>${t('admin.client.actions.delete.title')}</summary>
    <form method="post" action="/admin/clients/${id}/instance/supprimer" class="stack stack--sm">!${csrfField(o.csrfToken)}
      <p class="text-small">${t('admin.client.actions.delete.help', { name: stack.name })}</p>
      !${textField({ name: 'confirmation', label: t('admin.client.actions.delete.label'), required: true, autocomplete: 'off', spellcheck: false, inputClass: 'input--medium' })}
      <div>!${button({ label: t('admin.client.actions.delete.submit'), variant: 'danger', size: 'sm' })}</div>
    </form></details>` : '';
  return actions + remove;
}

const uptimePercent = new Intl.NumberFormat('fr-FR', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** The last check's verdict, and the current outage if any (monitoring, src/monitoring/README.md). */
function healthSummary(stack: NonNullable<ClientRecord['stack']>): string {
  if (!stack.healthCheckedAt) return html`${t('admin.client.instance.healthNever')}`;
  const key = `monitoring.health.${stack.healthStatus ?? ''}` as MessageKey;
  const label = t(key) === key ? (stack.healthStatus ?? '') : t(key);
  const outage = [
    stack.downSince ? t('monitoring.health.downSince', { date: format.dateTime(stack.downSince) }) : '',
    stack.healedAt ? t('monitoring.health.healed', { date: format.dateTime(stack.healedAt) }) : '',
  ].filter(Boolean);
  return html`${label} · ${format.dateTime(stack.healthCheckedAt)}!${outage.map((line) => html`<br><span class="text-small">${line}</span>`)}`;
}

function uptimeRows(health: ClientRecord['health']): string {
  if (!health) return '';
  const shown = (value: number | null) => (value === null ? t('monitoring.uptime.none') : uptimePercent.format(value));
  return html`<dt>${t('monitoring.uptime.7d')}</dt><dd data-uptime="7d">${shown(health.uptime7d)}</dd>
    <dt>${t('monitoring.uptime.30d')}</dt><dd data-uptime="30d">${shown(health.uptime30d)}<br><span class="text-small text-muted">${t('monitoring.uptime.help')}</span></dd>`;
}

/** The latest checks as a strip of marks, oldest to newest, and as a table on demand. */
function healthTimeline(health: ClientRecord['health']): string {
  if (!health) return '';
  if (health.timeline.length === 0) return html`<p class="text-small text-muted">${t('monitoring.timeline.none')}</p>`;
  const verdict = (ok: boolean) => t(ok ? 'monitoring.timeline.ok' : 'monitoring.timeline.failed');
  const marks = [...health.timeline].reverse().map((c) => {
    const text = t('monitoring.timeline.item', { date: format.dateTime(c.checkedAt), verdict: verdict(c.ok) });
    return html`<li class="health-timeline__mark health-timeline__mark--${c.ok ? 'ok' : 'failed'}" title="${c.detail ? `${text} (${c.detail})` : text}"><span class="visually-hidden">${text}</span></li>`;
  });
  const rows = health.timeline.map((c) => html`<tr>
    <td class="nowrap">${format.dateTime(c.checkedAt)}</td><td>${verdict(c.ok)}</td><td>${c.instanceState ?? ''}</td>
    <td class="num">${c.httpStatus ?? '—'}</td><td class="num nowrap">${c.latencyMs === null ? '—' : t('monitoring.timeline.latency', { ms: c.latencyMs })}</td>
    <td class="text-small">${c.detail ?? ''}</td></tr>`);
  return html`<h3 class="text-small" id="sante">${t('monitoring.timeline.title')}</h3>
  <ol class="health-timeline" aria-labelledby="sante">!${marks}</ol>
  <p class="text-small text-muted">${t('monitoring.timeline.legend', { count: health.timeline.length })}</p>
  <details><summary>${t('monitoring.timeline.details')}</summary>
  <div class="table-wrap" role="region" aria-label="${t('monitoring.timeline.title')}" tabindex="0"><table class="table table--dense">
  <thead><tr><th scope="col">${t('monitoring.timeline.col.date')}</th><th scope="col">${t('monitoring.timeline.col.verdict')}</th><th scope="col">${t('monitoring.timeline.col.instance')}</th><th scope="col" class="num">${t('monitoring.timeline.col.http')}</th><th scope="col" class="num">${t('monitoring.timeline.col.latency')}</th><th scope="col">${t('monitoring.timeline.col.detail')}</th></tr></thead>
  <tbody>!${rows}</tbody></table></div></details>`;
}

function instanceCard(o: ClientPageOptions): string {
  const { stack } = o.record;
  if (!stack) return html`<section class="card"><h2 class="card__title">${t('admin.client.instance.title')}</h2><p>${t('admin.client.instance.none')}</p></section>`;
  return html`<section class="card stack" aria-labelledby="instance">
  <h2 id="instance" class="card__title">${t('admin.client.instance.title')}</h2>
  <dl class="kv">
    <dt>${t('admin.client.instance.name')}</dt><dd class="mono">${stack.name}</dd>
    <dt>${t('admin.client.instance.url')}</dt><dd>!${stack.url ? html`<a href="${stack.url}" rel="noopener noreferrer" target="_blank">${stack.url}</a>` : '—'}</dd>
    <dt>${t('admin.client.instance.state')}</dt><dd>!${stackBadge(stack.observedState)}</dd>
    <dt>${t('admin.client.instance.desired')}</dt><dd>${t(`admin.client.instance.desired.${stack.desiredState}`)}</dd>
    <dt>${t('admin.client.instance.health')}</dt><dd>!${healthSummary(stack)}</dd>
    !${uptimeRows(o.record.health)}
    <dt>${t('admin.client.instance.where')}</dt><dd>${stack.orchestrator} · ${stack.environment}${stack.port ? ` · port ${stack.port}` : ''}</dd>
  </dl>
  !${healthTimeline(o.record.health)}
  !${instanceDetails(o.instance)}
  !${instanceActions(o)}
</section>`;
}

function credentialsCard(o: ClientPageOptions): string {
  const { stack } = o.record;
  if (!stack || stack.observedState === 'deleted' || !can(o.role, 'credentials:reveal')) return '';
  const shown = o.revealed ? html`<div class="reveal" data-hide-after="60">
    !${alert({ kind: 'warning', text: t('admin.client.reveal.shown') })}
    <dl class="kv reveal__secret">
      <dt>${t('admin.client.instance.url')}</dt><dd>${o.revealed.url ?? '—'}</dd>
      <dt>${t('admin.client.reveal.username')}</dt><dd class="mono">${o.revealed.username}</dd>
      <dt>${t('admin.client.reveal.secret')}</dt><dd class="mono">${o.revealed.password}</dd>
    </dl>
    <p class="reveal__hidden hidden">${t('admin.client.reveal.hidden')}</p>
  </div>` : html`<p class="text-small">${t('admin.client.reveal.help')}</p>
  !${o.revealError ? alert({ kind: 'error', text: o.revealError, live: true }) : ''}
  <form method="post" action="/admin/clients/${o.record.client.id}/identifiants" class="inline-form">!${csrfField(o.csrfToken)}
    <input type="hidden" name="username" value="" autocomplete="username">
    <label for="field-password">${t('admin.client.reveal.password')}</label>
    <input class="input input--medium" id="field-password" name="password" type="password" autocomplete="current-password" required>
    !${button({ label: t('admin.client.reveal.submit'), variant: 'secondary', size: 'sm' })}
  </form>`;
  return html`<section class="card stack" aria-labelledby="identifiants"><h2 id="identifiants" class="card__title">${t('admin.client.reveal.title')}</h2>!${shown}</section>`;
}

function quota(value: number, unit = ''): string {
  return value === -1 ? t('admin.client.usage.unlimited') : `${format.integer(value)}${unit}`;
}

const LEVEL_STYLE: Record<UsageLevel, string> = { ok: ' progress--success', warning: '', exceeded: ' progress--error' };

/** One resource against its limit: « 4 / 5 chantiers », a bar, and a badge from 80 % (amber) and at the limit (red). */
function usageMeter(plan: Plan, sample: UsageSample, resource: QuotaResource): string {
  const used = usedOf(sample, resource);
  const limit = limitOf(plan, resource);
  const label = t(`admin.client.usage.${resource}`);
  const shown = (n: number) => (resource === 'storage' ? gigabytes(n) : format.integer(n));
  if (limit === null) {
    return html`<div class="progress"><div class="progress__head"><span>${label}</span><span class="progress__value">${t('admin.client.usage.unlimitedValue', { used: resource === 'storage' ? amountText('storage', used) : shown(used) })}</span></div></div>`;
  }
  const level = levelOf(used, limit);
  const value = t(`admin.client.usage.of.${resource}`, { used: shown(used), limit: shown(limit) });
  const flag = level === 'ok' ? '' : badge({ kind: level === 'warning' ? 'warning' : 'error', text: t(`admin.client.usage.badge.${level}`) });
  const percent = t('admin.client.usage.percent', { percent: percentOf(used, limit) ?? 100 });
  return html`<div class="progress!${LEVEL_STYLE[level]}" data-usage="${resource}" data-level="${level}">
    <div class="progress__head"><span>${label} !${flag}</span><span class="progress__value nowrap">${value}</span></div>
    <progress class="progress__bar" max="${limit}" value="${Math.min(used, limit)}" aria-label="${label} : ${value}">${percent}</progress>
  </div>`;
}

function usageHistory(samples: readonly UsageSample[]): string {
  return html`<details><summary>${t('admin.client.usage.history')}</summary>
  <div class="table-wrap" role="region" aria-label="${t('admin.client.usage.history')}" tabindex="0"><table class="table table--dense">
  <thead><tr><th scope="col">${t('admin.client.usage.col.date')}</th><th scope="col" class="num">${t('admin.client.usage.users')}</th><th scope="col" class="num">${t('admin.client.usage.projects')}</th><th scope="col" class="num">${t('admin.client.usage.storage')}</th></tr></thead>
  <tbody>!${samples.map((s) => html`<tr><td class="nowrap">${format.dateTime(s.reportedAt)}</td><td class="num">${format.integer(s.users)}</td><td class="num">${format.integer(s.projects)}</td><td class="num nowrap">${amountText('storage', s.storageBytes)}</td></tr>`)}</tbody>
  </table></div></details>`;
}

function usageCard({ record }: ClientPageOptions): string {
  const { plan, usage } = record;
  if (!plan) return '';
  const latest = usage[0];
  const body = latest
    ? html`<p class="text-small text-muted">${t('admin.client.usage.lastReport', { date: format.dateTime(latest.reportedAt), plan: plan.name })}</p>
  !${quotaResources.map((r) => usageMeter(plan, latest, r)).join('')}
  !${usageHistory(usage)}`
    : html`<p class="text-small">${t('admin.client.usage.notReported')}</p>
  <dl class="kv">
    <dt>${t('admin.client.usage.users')}</dt><dd>${quota(plan.quotas.users)}</dd>
    <dt>${t('admin.client.usage.projects')}</dt><dd>${quota(plan.quotas.projects)}</dd>
    <dt>${t('admin.client.usage.storage')}</dt><dd>${quota(plan.quotas.storageGb, ' Go')}</dd>
  </dl>`;
  return html`<section class="card stack" aria-labelledby="quotas">
  <h2 id="quotas" class="card__title">${t('admin.client.usage.title')}</h2>
  !${body}
  <p class="text-small text-muted">${t('admin.client.usage.resources', { cpus: plan.resources.cpus, memory: plan.resources.memoryMb })}</p>
</section>`;
}

function emailsTable(o: ClientPageOptions): string {
  const { emails } = o.record;
  if (emails.length === 0) return html`<p class="text-muted">${t('admin.client.emails.none')}</p>`;
  // An erased client's e-mails stay as records: nothing to send again.
  const operate = can(o.role, 'instances:operate') && !o.record.erasure;
  return html`<div class="table-wrap" role="region" aria-labelledby="emails" tabindex="0"><table class="table table--dense">
  <thead><tr><th scope="col">${t('admin.client.emails.col.date')}</th><th scope="col">${t('admin.client.emails.col.template')}</th><th scope="col">${t('admin.client.emails.col.to')}</th><th scope="col">${t('admin.client.emails.col.status')}</th>!${operate ? html`<th scope="col"><span class="visually-hidden">${t('admin.staff.col.actions')}</span></th>` : ''}</tr></thead>
  <tbody>!${emails.map((e) => html`<tr>
    <td class="nowrap">${format.dateTime(e.sentAt ?? e.createdAt)}</td><td>${templateLabel(e.template)}</td><td>${e.recipients.map((r) => (isErasedAddress(r) ? t('admin.client.emails.erasedRecipient') : r)).join(', ')}</td>
    <td>!${emailBadge(e.status)}!${e.lastError ? html`<br><span class="text-small text-muted">${e.lastError}</span>` : ''}</td>
    !${operate ? html`<td><form method="post" action="/admin/emails/${e.id}/renvoyer">!${csrfField(o.csrfToken)}<input type="hidden" name="retour" value="/admin/clients/${o.record.client.id}">!${button({ label: t('admin.client.emails.resend'), variant: 'ghost', size: 'sm' })}</form></td>` : ''}
  </tr>`)}</tbody></table></div>`;
}

/** Where the deletion of one of an erased client's instances stands, with its deployment. */
function instanceDeletion(clientId: number, { stack, deletion }: ErasureView['instances'][number]): string {
  let state: string;
  if (stack.observedState === 'deleted') {
    state = deletion?.kind === 'delete' && deletion.finishedAt
      ? t('admin.client.erased.instance.deleted', { date: format.dateTime(deletion.finishedAt) })
      : t('admin.client.erased.instance.deletedUndated');
  } else if (deletion && ACTIVE.includes(deletion.state)) state = t('admin.client.erased.instance.inProgress');
  else if (deletion?.state === 'failed') state = t('admin.client.erased.instance.failed', { id: clientId });
  else state = t('admin.client.erased.instance.notRequested', { id: clientId });
  const link = deletion ? html` · <a href="/admin/deploiements/${deletion.id}">${t('admin.client.erased.instance.deployment', { id: deletion.id })}</a>` : '';
  return html`<dt class="mono">${stack.name}</dt><dd data-deletion="${deletion?.state ?? 'none'}">${state}!${link}</dd>`;
}

/** The erasure: when, what went, what is left, that nothing can be done any more, and each instance's deletion. */
function erasureBanner(o: ClientPageOptions, erasure: ErasureView): string {
  const { id } = o.record.client;
  const stuck = erasure.instances.some(({ stack, deletion }) => stack.observedState !== 'deleted' && !(deletion && ACTIVE.includes(deletion.state)));
  const instances = erasure.instances.length === 0
    ? html`<p>${t('admin.client.erased.noInstance')}</p>`
    : html`<dl class="kv">!${erasure.instances.map((instance) => instanceDeletion(id, instance))}</dl>`;
  return html`<div class="erasure-banner" data-erased="${erasure.erasedAt.toISOString()}">!${alert({
    kind: stuck ? 'warning' : 'info', title: t('admin.client.erased.title'),
    bodyHtml: html`<p>${t('admin.client.erased.text', { date: format.date(erasure.erasedAt), time: shortTime.format(erasure.erasedAt) })}</p><p>${t('admin.client.erased.kept')}</p><p>${t('admin.client.erased.frozen')}</p>
      <p><strong>${t('admin.client.erased.instances')}</strong></p>!${instances}`,
  })}</div>`;
}

/** The anonymised accounting record: the client's number and dates, and every subscription with its plan, price and dates. */
function accountingCard(o: ClientPageOptions, erasure: ErasureView): string {
  const { client } = o.record;
  const col = (key: MessageKey) => html`<th scope="col">${t(key)}</th>`;
  const rows = erasure.subscriptions.map((sub) => {
    const price = sub.priceCents === null ? t('admin.client.subscription.priceQuoted') : t('admin.client.subscription.perMonth', { price: format.euros(sub.priceCents / 100) });
    const day = (d: Date | null) => (d ? html`<time datetime="${d.toISOString()}">${format.date(d)}</time>` : '—');
    return html`<tr><td>${findPlan(o.plans, sub.plan)?.name ?? sub.plan}</td><td class="nowrap">${price}</td><td>!${subscriptionBadge(sub.status)}</td>
      <td class="nowrap">!${day(sub.startedAt)}</td><td class="nowrap">!${day(sub.convertedAt)}</td><td class="nowrap">!${day(sub.endedAt)}</td></tr>`;
  });
  const table = rows.length === 0 ? html`<p class="text-muted">${t('admin.client.erased.record.none')}</p>` : html`<div class="table-wrap" role="region" aria-labelledby="dossier-abonnements" tabindex="0"><table class="table table--dense">
    <caption id="dossier-abonnements" class="visually-hidden">${t('admin.client.erased.record.subscriptions')}</caption>
    <thead><tr>!${col('admin.client.subscription.plan')}!${col('admin.client.subscription.price')}!${col('admin.client.subscription.status')}!${col('admin.client.subscription.started')}!${col('admin.client.subscription.converted')}!${col('admin.client.erased.record.ended')}</tr></thead>
    <tbody>!${rows}</tbody></table></div>`;
  return html`<section class="card stack" aria-labelledby="dossier">
  <h2 id="dossier" class="card__title">${t('admin.client.erased.record.title')}</h2>
  <dl class="kv">
    <dt>${t('admin.client.erased.record.number')}</dt><dd>${client.id}</dd>
    <dt>${t('admin.client.contact.since')}</dt><dd>${format.dateTime(client.createdAt)}</dd>
    <dt>${t('admin.client.contact.size')}</dt><dd>${client.effectif}</dd>
    <dt>${t('admin.client.erased.record.erasedAt')}</dt><dd>${format.dateTime(erasure.erasedAt)}</dd>
  </dl>
  !${table}
</section>`;
}

/** An erased client's page: no contact, consent, credentials, usage nor any action; the history stays, read-only. */
function erasedClientBody(o: ClientPageOptions, erasure: ErasureView): string {
  const { client } = o.record;
  const deletion = erasure.instances.map((i) => i.deletion).find((d) => d && ACTIVE.includes(d.state));
  const active = deletion ?? o.record.deployments.find((d) => ACTIVE.includes(d.state));
  return html`<div class="stack stack--lg"!${active ? html` data-active-deployment="${active.id}"` : ''}>
  <p><a href="/admin/clients?rgpd=effaces">← ${t('admin.client.back')}</a></p>
  <header class="page-head"><div><h1>${client.entreprise}</h1>
    <p class="cluster cluster--sm">!${erasedBadge()}!${active ? deploymentBadge(active.state) : ''}<span class="text-muted">${t('admin.client.number', { number: client.id })}</span></p></div>
  </header>
  !${o.notice ? alert({ kind: 'success', text: o.notice, live: true }) : ''}
  !${o.error ? alert({ kind: 'error', text: o.error, live: true }) : ''}
  !${erasureBanner(o, erasure)}
  !${accountingCard(o, erasure)}
  <section class="stack" aria-labelledby="historique"><h2 id="historique">${t('admin.client.deployments.title')}</h2>!${clientDeployments(o.record.deployments, o.role, o.csrfToken, { erased: true })}</section>
  <section class="stack" aria-labelledby="emails"><h2 id="emails">${t('admin.client.emails.title')}</h2>!${emailsTable(o)}</section>
  <section class="stack" aria-labelledby="audit"><h2 id="audit">${t('admin.client.audit.title')}</h2>!${auditTable(o.record.audit, t('admin.client.audit.title'))}</section>
</div>`;
}

export function clientBody(o: ClientPageOptions): string {
  if (o.record.erasure) return erasedClientBody(o, o.record.erasure);
  const { client, subscription, stack } = o.record;
  const active = o.record.deployments.find((d) => ACTIVE.includes(d.state));
  return html`<div class="stack stack--lg"!${active ? html` data-active-deployment="${active.id}"` : ''}>
  <p><a href="/admin/clients">← ${t('admin.client.back')}</a></p>
  <header class="page-head"><div><h1>${client.entreprise}</h1>
    <p class="cluster cluster--sm">!${subscription ? subscriptionBadge(subscription.status) : ''}!${stack ? stackBadge(stack.observedState) : ''}!${active ? deploymentBadge(active.state) : ''}<span class="text-muted">${t('admin.client.number', { number: client.id })}</span></p></div>
  </header>
  !${o.notice ? alert({ kind: 'success', text: o.notice, live: true }) : ''}
  !${o.error ? alert({ kind: 'error', text: o.error, live: true }) : ''}
  <div class="admin-columns">
    <div class="stack">!${subscriptionCard(o)}!${instanceCard(o)}!${credentialsCard(o)}</div>
    <div class="stack">!${contactCard(o)}!${usageCard(o)}</div>
  </div>
  <section class="stack" aria-labelledby="historique"><h2 id="historique">${t('admin.client.deployments.title')}</h2>!${clientDeployments(o.record.deployments, o.role, o.csrfToken)}</section>
  <section class="stack" aria-labelledby="emails"><h2 id="emails">${t('admin.client.emails.title')}</h2>!${emailsTable(o)}</section>
  <section class="stack" aria-labelledby="audit"><h2 id="audit">${t('admin.client.audit.title')}</h2>!${auditTable(o.record.audit, t('admin.client.audit.title'))}</section>
</div>`;
}

