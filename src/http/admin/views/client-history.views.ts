// A client's deployments, newest first: each one folds open on its steps and every event, with
// the operator detail the prospect never sees.
import { html } from 'ghtml';
import type { ClientRecord } from '../../../backoffice/client-record.service.ts';
import type { StaffRole, StepStatus } from '../../../db/schema.ts';
import { format, type MessageKey, t } from '../../../i18n/index.ts';
import { can } from '../../../staff/roles.ts';
import { button, csrfField, type StepState, stepList } from '../../views/components.ts';
import { deploymentBadge } from './status-badges.ts';

type Deployment = ClientRecord['deployments'][number];

const STEP_STATE: Record<StepStatus, StepState> = {
  pending: 'pending', running: 'active', succeeded: 'done', failed: 'failed', skipped: 'skipped', compensated: 'skipped',
};

/** `erased`: the client's data was erased (RGPD); only a failed deletion may be retried, to finish the erasure. */
function deployment(d: Deployment, open: boolean, role: StaffRole, csrfToken: string, erased: boolean): string {
  const steps = stepList(d.steps.map((s) => ({ label: t(`deployment.step.${s.name}.label` as MessageKey), state: STEP_STATE[s.status], detail: s.error ?? undefined })));
  const events = d.events.map((e) => html`<li><time class="text-small text-muted" datetime="${e.createdAt.toISOString()}">${format.time(e.createdAt)}</time> ${t(e.code as MessageKey, e.params)}!${e.detail ? html`<br><span class="text-small mono">${e.detail}</span>` : ''}</li>`);
  const retry = d.state === 'failed' && can(role, 'instances:operate') && (!erased || d.kind === 'delete')
    ? html`<form method="post" action="/admin/deploiements/${d.id}/relancer">!${csrfField(csrfToken)}!${button({ label: t('admin.client.deployments.retry'), size: 'sm' })}</form>` : '';
  return html`<details class="card deployment"!${open ? ' open' : ''}>
  <summary class="cluster cluster--sm"><strong>${t('admin.client.deployments.summary', { kind: t(`deployment.kind.${d.kind}`), id: d.id, date: format.dateTime(d.createdAt) })}</strong>!${deploymentBadge(d.state)}</summary>
  !${d.error ? html`<p class="text-small mono">${d.error}</p>` : ''}
  <div class="admin-columns">!${steps}<ol class="event-list">!${events}</ol></div>
  <p class="cluster cluster--sm">!${retry}<a href="/admin/deploiements/${d.id}">${t('admin.client.deployments.detail')}</a></p>
</details>`;
}

export function clientDeployments(deployments: ClientRecord['deployments'], role: StaffRole, csrfToken: string, options: { erased?: boolean } = {}): string {
  if (deployments.length === 0) return html`<p class="text-muted">${t('admin.client.deployments.none')}</p>`;
  // The latest is open: it is usually the one being asked about.
  return deployments.map((d, i) => deployment(d, i === 0, role, csrfToken, options.erased ?? false)).join('\n');
}
