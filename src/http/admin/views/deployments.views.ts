// « Déploiements »: the board (in progress, failed, recent successes) and one deployment's page, whose
// summary, steps and journal /assets/js/admin-live.js replaces with fragments rendered here.
import { html } from 'ghtml';
import type { DeploymentDetail, DeploymentsBoard, DeploymentSummary } from '../../../backoffice/deployments-board.service.ts';
import { isActive } from '../../../backoffice/deployments-board.service.ts';
import type { DeploymentState } from '../../../db/schema.ts';
import { format, type MessageKey, t } from '../../../i18n/index.ts';
import type { DeploymentStepRow } from '../../../provisioning/deployment-steps.repository.ts';
import type { DeploymentEventRow } from '../../../provisioning/deployments.repository.ts';
import { alert, badge, type BadgeKind, button, csrfField, type StepState, stepList } from '../../views/components.ts';

/** Seconds between reloads of the board while deployments are in progress (with JavaScript). */
export const BOARD_REFRESH_SECONDS = 10;

/** A catalogue label, or the raw value when the catalogue has none (a kind or step added later). */
function labelOr(key: string, raw: string): string {
  const text = t(key as MessageKey);
  return text === key ? raw : text;
}

export const kindLabel = (kind: string): string => labelOr(`deployment.kind.${kind}`, kind);
export const stepLabel = (name: string): string => labelOr(`deployment.step.${name}.label`, name);

const STATE_BADGE: Record<DeploymentState, BadgeKind> = {
  queued: 'info', running: 'brand', compensating: 'warning', succeeded: 'success', failed: 'error', cancelled: 'neutral',
};

export function stateBadge(state: DeploymentState): string {
  return badge({ kind: STATE_BADGE[state], text: labelOr(`admin.deployments.state.${state}`, state) });
}

export function formatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return t('admin.duration.lessThanSecond');
  if (seconds < 60) return t('admin.duration.seconds', { s: seconds });
  if (seconds < 3600) return t('admin.duration.minutes', { m: Math.floor(seconds / 60), s: String(seconds % 60).padStart(2, '0') });
  return t('admin.duration.hours', { h: Math.floor(seconds / 3600), m: String(Math.floor(seconds / 60) % 60).padStart(2, '0') });
}

/** Until now for a deployment still running; nothing before it started. */
function duration(start: Date | null, end: Date | null, now: Date): string {
  if (!start) return '';
  return formatDuration((end ?? now).getTime() - start.getTime());
}

function dateCell(date: Date | null): string {
  return date ? html`<time datetime="${date.toISOString()}">${format.dateTime(date)}</time>` : '';
}

function retryForm(d: Pick<DeploymentSummary, 'id'>, csrfToken: string, back?: 'liste'): string {
  return html`<form method="post" action="/admin/deploiements/${d.id}/relancer">!${csrfField(csrfToken)}!${back ? html`<input type="hidden" name="retour" value="${back}">` : ''}!${button({ label: t('admin.deployments.retry'), variant: 'secondary', size: 'sm' })}</form>`;
}

type Table = 'active' | 'failed' | 'succeeded';

interface TableOptions {
  csrfToken: string;
  canOperate: boolean;
  now: Date;
}

function row(d: DeploymentSummary, table: Table, o: TableOptions): string {
  const step = table === 'failed' ? d.failedStep : d.currentStep;
  return html`<tr>
    <th scope="row"><a href="/admin/deploiements/${d.id}">${t('admin.deployments.number', { id: d.id })}</a></th>
    <td><a href="/admin/clients/${d.clientId}">${d.entreprise}</a></td>
    <td class="mono">${d.stackName}</td>
    <td>${kindLabel(d.kind)}</td>
    <td>!${stateBadge(d.state)}</td>
    <td>${step ? stepLabel(step) : ''}</td>
    <td class="num">${d.attempt}</td>
    <td class="nowrap">!${dateCell(d.startedAt ?? d.createdAt)}</td>
    <td class="nowrap">!${dateCell(d.finishedAt)}</td>
    <td class="nowrap">${duration(d.startedAt, d.finishedAt, o.now)}</td>
    !${table === 'failed' ? html`<td class="text-small admin-error-cell">${d.error ?? ''}</td>` : ''}
    !${table === 'failed' && o.canOperate ? html`<td>!${retryForm(d, o.csrfToken, 'liste')}</td>` : ''}
  </tr>`;
}

function deploymentTable(rows: DeploymentSummary[], table: Table, o: TableOptions): string {
  const id = `deploiements-${table}`;
  const title = html`<h2 id="${id}">${t(`admin.deployments.${table}.title`)} <span class="text-muted">(${rows.length})</span></h2>`;
  if (rows.length === 0) return html`<section class="stack stack--sm" aria-labelledby="${id}">!${title}<p class="text-muted">${t(`admin.deployments.${table}.empty`)}</p></section>`;
  const head = ['number', 'client', 'stack', 'kind', 'state', table === 'failed' ? 'failedStep' : 'step', 'attempt', 'started', 'finished', 'duration'] as const;
  return html`<section class="stack stack--sm" aria-labelledby="${id}">
  !${title}
  <div class="table-wrap" role="region" aria-labelledby="${id}" tabindex="0">
    <table class="table table--dense">
      <thead><tr>!${head.map((c) => html`<th scope="col">${t(`admin.deployments.col.${c}`)}</th>`)}!${table === 'failed' ? html`<th scope="col">${t('admin.deployments.col.error')}</th>` : ''}!${table === 'failed' && o.canOperate ? html`<th scope="col">${t('admin.deployments.col.actions')}</th>` : ''}</tr></thead>
      <tbody>!${rows.map((d) => row(d, table, o))}</tbody>
    </table>
  </div>
</section>`;
}

export function deploymentsBoardBody(o: TableOptions & { board: DeploymentsBoard; notice?: string; error?: string }): string {
  const live = o.board.active.length > 0;
  return html`<div class="stack stack--lg"!${live ? html` data-admin-refresh="${BOARD_REFRESH_SECONDS}"` : ''}>
  <header class="page-head">
    <div><h1>${t('admin.deployments.title')}</h1><p class="lead">${t('admin.deployments.intro')}</p></div>
    <a class="btn btn--ghost btn--sm" href="/admin/deploiements">${t('admin.deployments.refresh')}</a>
  </header>
  !${o.notice ? alert({ kind: 'success', text: o.notice, live: true }) : ''}
  !${o.error ? alert({ kind: 'error', text: o.error, live: true }) : ''}
  !${live ? html`<p class="hint" id="refresh-hint">${t('admin.deployments.liveBoard')}</p>` : ''}
  !${deploymentTable(o.board.active, 'active', o)}
  !${deploymentTable(o.board.failed, 'failed', o)}
  !${deploymentTable(o.board.succeeded, 'succeeded', o)}
</div>`;
}

const STEP_STATE: Record<string, StepState> = {
  succeeded: 'done', running: 'active', failed: 'failed', skipped: 'skipped', compensated: 'skipped', pending: 'pending',
};

function stepDetail(step: DeploymentStepRow, now: Date): string {
  const parts: string[] = [];
  if (step.status === 'compensated') parts.push(t('admin.deployments.step.compensated'));
  if (step.status === 'skipped') parts.push(t('admin.deployments.step.skipped'));
  if (step.attempt > 1) parts.push(t('admin.deployments.step.attempt', { n: step.attempt }));
  if (step.startedAt && (step.finishedAt || step.status === 'running')) parts.push(duration(step.startedAt, step.finishedAt, now));
  if (step.error) parts.push(step.error);
  return parts.join(' · ');
}

/** The steps, in a container the live script replaces as a whole. */
export function stepsPanel(steps: DeploymentStepRow[], now: Date): string {
  const items = steps.map((s) => ({ id: `step-${s.name}`, label: stepLabel(s.name), state: STEP_STATE[s.status] ?? 'pending', detail: stepDetail(s, now) || undefined }));
  return html`<div id="deployment-steps">!${items.length ? stepList(items, t('admin.deployments.steps')) : html`<p class="text-muted">${t('admin.deployments.noSteps')}</p>`}</div>`;
}

/** The catalogue message, or its code when the catalogue no longer has it. */
function customerMessage(event: DeploymentEventRow): string {
  return t(event.code as MessageKey, event.params);
}

/** One journal line: when, which step, what the customer read, and what only the staff see. */
export function eventItem(event: DeploymentEventRow): string {
  return html`<li id="event-${event.id}">
    <time datetime="${event.createdAt.toISOString()}">${format.time(event.createdAt)}</time>
    !${event.step ? html`<span class="badge badge--plain admin-event__step">${stepLabel(event.step)}</span> ` : ''}<span>${customerMessage(event)}</span>
    !${event.detail ? html`<span class="admin-event__detail"><span class="visually-hidden">${t('admin.deployments.detailPrefix')} </span>${event.detail}</span>` : ''}
  </li>`;
}

/** The key facts, in a container the live script replaces as a whole. */
export function summaryPanel(d: DeploymentSummary, now: Date): string {
  const step = d.state === 'failed' ? d.failedStep : d.currentStep;
  return html`<dl class="kv" id="deployment-summary">
    <dt>${t('admin.deployments.col.state')}</dt><dd>!${stateBadge(d.state)}</dd>
    <dt>${t(d.state === 'failed' ? 'admin.deployments.col.failedStep' : 'admin.deployments.col.step')}</dt><dd>${step ? stepLabel(step) : '—'}</dd>
    <dt>${t('admin.deployments.col.attempt')}</dt><dd>${d.attempt}</dd>
    <dt>${t('admin.deployments.col.created')}</dt><dd>!${dateCell(d.createdAt)}</dd>
    <dt>${t('admin.deployments.col.started')}</dt><dd>!${dateCell(d.startedAt) || '—'}</dd>
    <dt>${t('admin.deployments.col.finished')}</dt><dd>!${dateCell(d.finishedAt) || '—'}</dd>
    <dt>${t('admin.deployments.col.duration')}</dt><dd>${duration(d.startedAt, d.finishedAt, now) || '—'}</dd>
    !${d.error ? html`<dt>${t('admin.deployments.col.error')}</dt><dd class="admin-error-cell">${d.error}</dd>` : ''}
  </dl>`;
}

export interface DeploymentPageOptions {
  detail: DeploymentDetail;
  csrfToken: string;
  canOperate: boolean;
  now: Date;
  notice?: string;
  error?: string;
}

export function deploymentPageBody(o: DeploymentPageOptions): string {
  const { deployment: d, steps, events } = o.detail;
  const live = isActive(d.state);
  const self = `/admin/deploiements/${d.id}`;
  return html`<div class="stack stack--lg" data-admin-live="${live ? 'live' : 'done'}" data-stream="${self}/flux" data-last-event-id="${events.at(-1)?.id ?? 0}">
  <p><a href="/admin/deploiements">${t('admin.deployments.back')}</a></p>
  <header class="page-head">
    <div>
      <p class="eyebrow">${t('admin.deployments.eyebrow', { id: d.id })}</p>
      <h1>${kindLabel(d.kind)} — <span class="mono">${d.stackName}</span></h1>
      <p class="lead"><a href="/admin/clients/${d.clientId}">${d.entreprise}</a></p>
    </div>
    <a class="btn btn--ghost btn--sm" href="${self}" id="refresh-link">${t('admin.deployments.refresh')}</a>
  </header>
  !${o.notice ? alert({ kind: 'success', text: o.notice, live: true }) : ''}
  !${o.error ? alert({ kind: 'error', text: o.error, live: true }) : ''}
  !${d.state === 'failed' && o.canOperate ? html`<div class="cluster">!${retryForm(d, o.csrfToken)}<p class="hint">${t('admin.deployments.retryHint')}</p></div>` : ''}
  !${live ? html`<p class="hint" id="refresh-hint">${t('admin.deployments.liveHint')}</p>` : ''}
  <div class="grid grid--2">
    <section class="card stack" aria-labelledby="resume-titre"><h2 id="resume-titre" class="card__title">${t('admin.deployments.summary')}</h2>!${summaryPanel(d, o.now)}</section>
    <section class="card stack" aria-labelledby="etapes-titre"><h2 id="etapes-titre" class="card__title">${t('admin.deployments.steps')}</h2>!${stepsPanel(steps, o.now)}</section>
  </div>
  <section class="card stack" aria-labelledby="journal-titre">
    <h2 id="journal-titre" class="card__title">${t('admin.deployments.journal')}</h2>
    <p class="hint">${t('admin.deployments.journalHint')}</p>
    <ol id="deployment-events" class="event-list admin-events" aria-live="polite">!${events.map(eventItem)}</ol>
  </section>
</div>`;
}
