// « Vue d'ensemble »: key figures (each a link to the matching list), the alerts in progress, the 30-day
// chart, deployments in progress, recent incidents and trials ending soon.
import { html } from 'ghtml';
import type { DailyPoint, Overview } from '../../../backoffice/overview.service.ts';
import { format, t } from '../../../i18n/index.ts';
import { alert } from '../../views/components.ts';
import { alertsTable } from './alerts.views.ts';
import { deploymentBadge } from './status-badges.ts';

function stat(value: number, label: string, href: string, alarm?: 'warning' | 'error'): string {
  const tone = alarm && value > 0 ? ` stat--${alarm}` : '';
  return html`<a class="stat!${tone}" href="${href}"><span class="stat__value">${format.integer(value)}</span><span class="stat__label">${label}</span></a>`;
}

/** Bars drawn server-side in SVG (no chart library, no script); the figures are in a table below for screen readers. */
export function dailyChart(days: DailyPoint[]): string {
  const width = 640, height = 180, left = 32, bottom = 24, top = 8;
  const slot = (width - left) / days.length;
  const max = Math.max(1, ...days.map((d) => Math.max(d.signups, d.conversions)));
  const y = (n: number) => height - bottom - ((height - bottom - top) * n) / max;
  const bars = days.map((d, i) => {
    const x = left + i * slot + slot * 0.15;
    const w = slot * 0.35;
    const label = i % 5 === 4 || i === days.length - 1 ? html`<text class="chart__label" x="${(x + w).toFixed(1)}" y="${height - 6}" text-anchor="middle">${d.day.slice(8)}/${d.day.slice(5, 7)}</text>` : '';
    return html`<rect class="chart__signups" x="${x.toFixed(1)}" y="${y(d.signups).toFixed(1)}" width="${w.toFixed(1)}" height="${(height - bottom - y(d.signups)).toFixed(1)}"><title>${d.day} : ${d.signups}</title></rect>
<rect class="chart__conversions" x="${(x + w).toFixed(1)}" y="${y(d.conversions).toFixed(1)}" width="${w.toFixed(1)}" height="${(height - bottom - y(d.conversions)).toFixed(1)}"><title>${d.day} : ${d.conversions}</title></rect>!${label}`;
  });
  const total = (key: 'signups' | 'conversions') => days.reduce((sum, d) => sum + d[key], 0);
  const summary = t('admin.overview.chart.summary', { signups: total('signups'), conversions: total('conversions') });
  return html`<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${summary}">
  <line class="chart__axis" x1="${left}" x2="${width}" y1="${height - bottom}" y2="${height - bottom}"/>
  <text class="chart__label" x="0" y="${top + 10}">${max}</text><text class="chart__label" x="0" y="${height - bottom}">0</text>
  !${bars}
</svg>
<p class="legend"><span><span class="legend__swatch legend__swatch--signups"></span>${t('admin.overview.chart.signups')}</span><span><span class="legend__swatch legend__swatch--conversions"></span>${t('admin.overview.chart.conversions')}</span><span class="text-muted">${summary}</span></p>
<details><summary>${t('admin.overview.chart.data')}</summary>
<div class="table-wrap" role="region" aria-label="${t('admin.overview.chart.title')}" tabindex="0"><table class="table table--dense">
<thead><tr><th scope="col">${t('admin.overview.chart.day')}</th><th scope="col" class="num">${t('admin.overview.chart.signups')}</th><th scope="col" class="num">${t('admin.overview.chart.conversions')}</th></tr></thead>
<tbody>!${days.map((d) => html`<tr><th scope="row">${d.day}</th><td class="num">${d.signups}</td><td class="num">${d.conversions}</td></tr>`)}</tbody>
</table></div></details>`;
}

function activeTable(o: Overview): string {
  if (o.active.length === 0) return html`<p class="text-muted">${t('admin.overview.active.empty')}</p>`;
  return html`<div class="table-wrap" role="region" aria-labelledby="en-cours" tabindex="0"><table class="table table--dense">
<thead><tr><th scope="col">${t('admin.overview.col.client')}</th><th scope="col">${t('admin.overview.col.kind')}</th><th scope="col">${t('admin.overview.col.state')}</th><th scope="col">${t('admin.overview.col.step')}</th><th scope="col">${t('admin.overview.col.since')}</th></tr></thead>
<tbody>!${o.active.map((d) => html`<tr>
  <th scope="row"><a href="/admin/clients/${d.clientId}">${d.entreprise}</a> <span class="text-muted mono text-small">${d.stackName}</span></th>
  <td><a href="/admin/deploiements/${d.id}">${t(`deployment.kind.${d.kind}`)} n° ${d.id}</a></td>
  <td>!${deploymentBadge(d.state)}</td>
  <td>${d.currentStep ? t(`deployment.step.${d.currentStep}.label` as 'deployment.step.stop.label') : ''}</td>
  <td class="nowrap">${format.time(d.startedAt ?? d.createdAt)}</td>
</tr>`)}</tbody></table></div>`;
}

function incidents(o: Overview): string {
  const items = [
    ...o.failures.map((d) => ({ at: d.finishedAt ?? d.createdAt, html: html`<a href="/admin/deploiements/${d.id}">${t('admin.overview.incidents.deployment', { id: d.id, kind: t(`deployment.kind.${d.kind}`).toLowerCase(), company: d.entreprise })}</a>!${d.error ? html`<br><span class="text-small text-muted">${d.error}</span>` : ''}` })),
    ...o.deadEmails.map((e) => ({ at: e.createdAt, html: html`<a href="/admin/emails?statut=dead">${t('admin.overview.incidents.email', { template: e.template, recipient: e.recipients.join(', ') })}</a>!${e.lastError ? html`<br><span class="text-small text-muted">${e.lastError}</span>` : ''}` })),
  ].sort((a, b) => b.at.getTime() - a.at.getTime());
  if (items.length === 0) return html`<p class="text-muted">${t('admin.overview.incidents.empty')}</p>`;
  return html`<ul class="event-list">!${items.map((i) => html`<li><time class="text-small text-muted" datetime="${i.at.toISOString()}">${format.dateTime(i.at)}</time><br>!${i.html}</li>`)}</ul>`;
}

function currentAlerts(o: Overview): string {
  const list = o.alerts.length === 0 ? html`<p class="text-muted">${t('admin.overview.alerts.empty')}</p>` : alertsTable(o.alerts, t('admin.overview.alerts.title'));
  return html`!${list}<p><a href="/admin/alertes?statut=all">${t('admin.overview.alerts.all')}</a></p>`;
}

function expiring(o: Overview, now: Date): string {
  if (o.expiring.length === 0) return html`<p class="text-muted">${t('admin.overview.expiring.empty')}</p>`;
  return html`<div class="table-wrap" role="region" aria-labelledby="fin-essai" tabindex="0"><table class="table table--dense">
<thead><tr><th scope="col">${t('admin.overview.col.client')}</th><th scope="col">${t('admin.overview.col.plan')}</th><th scope="col">${t('admin.overview.col.trialEnd')}</th></tr></thead>
<tbody>!${o.expiring.map((s) => html`<tr><th scope="row"><a href="/admin/clients/${s.clientId}">${s.entreprise}</a></th><td>${s.plan}</td><td class="nowrap">${format.date(s.trialEndsAt!)} (${t('admin.overview.expiring.daysLeft', { days: Math.max(0, Math.ceil((s.trialEndsAt!.getTime() - now.getTime()) / 86_400_000)) })})</td></tr>`)}</tbody></table></div>`;
}

export function overviewBody(o: Overview, now: Date, notice?: string): string {
  const c = o.counts;
  return html`<div class="stack stack--lg">
  <h1>${t('admin.overview.title')}</h1>
  !${notice ? alert({ kind: 'success', text: notice, live: true }) : ''}
  <section aria-label="${t('admin.overview.counts')}" class="stat-grid">
    !${stat(c.trials, t('admin.overview.trials'), '/admin/clients?statut=trialing')}
    !${stat(c.paid, t('admin.overview.paid'), '/admin/clients?statut=active')}
    !${stat(c.expiringSoon, t('admin.overview.expiringSoon'), '/admin/clients?statut=trialing&tri=fin-essai', 'warning')}
    !${stat(c.failedDeployments, t('admin.overview.failedDeployments'), '/admin/deploiements', 'error')}
    !${stat(c.instancesDown, t('admin.overview.instancesDown'), '/admin/clients?instance=down', 'error')}
    !${stat(c.openAlerts, t('admin.overview.openAlerts'), '/admin/alertes', 'error')}
  </section>
  <section class="stack" aria-labelledby="alertes"><h2 id="alertes">${t('admin.overview.alerts.title')}</h2>!${currentAlerts(o)}</section>
  <section class="card stack" aria-labelledby="graphique"><h2 id="graphique" class="card__title">${t('admin.overview.chart.title')}</h2>!${dailyChart(o.days)}</section>
  <div class="grid grid--2">
    <section class="stack" aria-labelledby="en-cours"><h2 id="en-cours">${t('admin.overview.active.title')}</h2>!${activeTable(o)}</section>
    <section class="stack" aria-labelledby="incidents"><h2 id="incidents">${t('admin.overview.incidents.title')}</h2>!${incidents(o)}</section>
  </div>
  <section class="stack" aria-labelledby="fin-essai"><h2 id="fin-essai">${t('admin.overview.expiring.title')}</h2>!${expiring(o, now)}</section>
</div>`;
}
