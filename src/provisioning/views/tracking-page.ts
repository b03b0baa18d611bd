// The tracking page: a progress bar and step list driven by the real events, an estimate
// from recent step durations, and the ready view. Without JavaScript it refreshes itself;
// with it, /assets/js/tracking.js follows the event stream.
import { html } from 'ghtml';
import { pageLayout } from '../../http/views/layout.ts';
import { alert, type StepState, stepList as steps_ } from '../../http/views/components.ts';
import { format, type MessageKey, t } from '../../i18n/index.ts';
import type { DeploymentEventRow } from '../deployments.repository.ts';
import type { TrackedDeployment, TrackingSnapshot } from '../tracking.service.ts';

const REFRESH_SECONDS = 4;

export interface TrackingPageOptions {
  deployment: TrackedDeployment;
  snapshot: TrackingSnapshot;
  events: DeploymentEventRow[];
  /** Present the one time the initial credentials are shown. */
  credentials: { username: string; password: string } | undefined;
}

export const BADGE: Record<string, string> = { succeeded: 'badge--success', failed: 'badge--error', running: 'badge--brand', queued: 'badge--info' };

const STEP_STATE: Record<string, StepState> = { succeeded: 'done', running: 'active', failed: 'failed', skipped: 'skipped', compensated: 'skipped', pending: 'pending' };

export function eventMessage(event: DeploymentEventRow): string {
  return t(event.code as MessageKey, event.params);
}

/** The step list of the design system, in a container the live script replaces as a whole. */
export function stepList(snapshot: TrackingSnapshot): string {
  const steps = snapshot.steps.map((s) => ({
    id: `step-${s.name}`,
    label: t(`deployment.step.${s.name}.label` as MessageKey),
    state: STEP_STATE[s.status] ?? 'pending',
  }));
  return html`<div id="steps">!${steps_(steps, t('deployment.events.stepsLabel'))}</div>`;
}

export function progressLabel(snapshot: TrackingSnapshot): string {
  return t('deployment.progress', { done: Math.min(snapshot.done + 1, snapshot.total), total: snapshot.total });
}

export function progressText(snapshot: TrackingSnapshot): string {
  if (snapshot.etaSeconds === null) return '';
  return t('deployment.eta', { seconds: snapshot.etaSeconds });
}

function progress(snapshot: TrackingSnapshot): string {
  const kind = snapshot.state === 'succeeded' ? ' progress--success' : snapshot.state === 'failed' ? ' progress--error' : '';
  return html`<div class="progress${kind}" id="progress">
    <div class="progress__head">
      <span id="progress-label">${progressLabel(snapshot)}</span>
      <span class="progress__value" id="progress-eta" aria-live="polite">${progressText(snapshot)}</span>
    </div>
    <progress class="progress__bar" id="progress-bar" max="${snapshot.total}" value="${snapshot.done}" aria-labelledby="progress-label">${snapshot.done}/${snapshot.total}</progress>
  </div>`;
}

function readyView(deployment: TrackedDeployment, credentials: TrackingPageOptions['credentials']): string {
  const url = deployment.stackUrl ?? '';
  const copy = (id: string) => html`<button type="button" class="btn btn--ghost btn--sm js-copy" data-copy="${id}" data-copied="${t('deployment.ready.copied')}" hidden>${t('deployment.ready.copy')}</button>`;
  return html`<div class="card stack" id="ready">
    <h2>${t('deployment.ready.title')}</h2>
    <dl class="kv">
      <dt>${t('deployment.ready.url')}</dt><dd><code id="cred-url">${url}</code> !${copy('cred-url')}</dd>
      !${credentials ? html`
      <dt>${t('deployment.ready.username')}</dt><dd><code id="cred-user">${credentials.username}</code> !${copy('cred-user')}</dd>
      <dt>${t('deployment.ready.password')}</dt><dd><code id="cred-password">${credentials.password}</code> !${copy('cred-password')}</dd>` : ''}
    </dl>
    !${credentials
      ? alert({ kind: 'warning', title: t('deployment.ready.onceTitle'), text: t('deployment.ready.onceText') })
      : alert({ kind: 'info', title: t('deployment.ready.shownTitle'), text: t('deployment.ready.shownText') })}
    <p><a class="btn btn--primary btn--lg" href="${url}" rel="noopener">${t('deployment.ready.open')}</a></p>
  </div>`;
}

export function trackingPage({ deployment, snapshot, events, credentials }: TrackingPageOptions): string {
  const live = snapshot.etaSeconds !== null;
  const state = t(`deployment.state.${deployment.state}` as MessageKey);
  const body = html`
    <section class="section">
      <div class="container container--narrow stack" data-tracking="${live ? 'live' : 'done'}" data-last-event-id="${events.at(-1)?.id ?? 0}">
        <p class="eyebrow">${t('deployment.lead', { entreprise: deployment.entreprise })}</p>
        <h1>${deployment.state === 'succeeded' ? t('deployment.ready.heading') : t('deployment.title')}</h1>
        <p><span class="badge !${BADGE[deployment.state] ?? ''}" id="state" data-state="${deployment.state}">${state}</span></p>
        !${deployment.state === 'queued' ? html`<p id="queued-text">${t('deployment.queued.text')}</p>` : ''}
        !${deployment.state === 'failed' ? alert({ kind: 'error', title: t('deployment.failed.title'), text: t('deployment.failed.text') }) : ''}
        !${deployment.state === 'succeeded' ? readyView(deployment, credentials) : ''}
        !${progress(snapshot)}
        !${stepList(snapshot)}
        <details class="event-log" !${live ? '' : 'open'}>
          <summary>${t('deployment.events.title')}</summary>
          <ol id="events" class="event-list">!${events.map((e) => html`<li><time datetime="${e.createdAt.toISOString()}">${format.time(e.createdAt)}</time> ${eventMessage(e)}</li>`)}</ol>
        </details>
        !${live ? html`<p class="hint" id="refresh-hint">${t('deployment.autoRefresh', { seconds: REFRESH_SECONDS })}</p>` : ''}
      </div>
    </section>`;
  return pageLayout({
    title: t('deployment.title'),
    body,
    noindex: true,
    head: live ? html`<noscript><meta http-equiv="refresh" content="${REFRESH_SECONDS}"></noscript>` : '',
    scripts: ['/assets/js/tracking.js'],
  });
}
