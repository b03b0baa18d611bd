// The audit log as a table: used by « Journal d'audit » and by each client's page.
import { html } from 'ghtml';
import type { AuditEntry } from '../../../audit/audit.repository.ts';
import { format, type MessageKey, t } from '../../../i18n/index.ts';

export function auditActionLabel(action: string): string {
  const key = `admin.audit.action.${action}` as MessageKey;
  const label = t(key);
  return label === key ? action : label;
}

function actor(entry: AuditEntry): string {
  if (entry.actorType === 'system') return t('admin.audit.actor.system');
  if (entry.actorType === 'api_key') return `${t('admin.audit.actor.api_key')} « ${entry.actorLabel} »`;
  return entry.actorLabel;
}

function details(entry: AuditEntry): string {
  return Object.entries(entry.details).map(([key, value]) => `${key} : ${String(value)}`).join(' · ');
}

export function auditTable(entries: AuditEntry[], caption: string, options: { showClient?: boolean } = {}): string {
  if (entries.length === 0) return html`<p class="text-muted">${t('admin.audit.empty')}</p>`;
  const rows = entries.map((entry) => html`<tr>
    <td class="nowrap"><time datetime="${entry.createdAt.toISOString()}">${format.dateTime(entry.createdAt)}</time></td>
    <td>${actor(entry)}</td>
    <td>${auditActionLabel(entry.action)}</td>
    <td>!${entry.clientId !== null && options.showClient ? html`<a href="/admin/clients/${entry.clientId}">${entry.targetType ?? ''} ${entry.targetId ?? ''}</a>` : html`${entry.targetType ?? ''} ${entry.targetId ?? ''}`}</td>
    <td class="text-small">${details(entry)}</td>
    <td class="mono text-small">${entry.ip ?? ''}</td>
  </tr>`);
  return html`<div class="table-wrap" role="region" aria-label="${caption}" tabindex="0">
  <table class="table table--dense">
    <caption class="visually-hidden">${caption}</caption>
    <thead><tr><th scope="col">${t('admin.audit.col.date')}</th><th scope="col">${t('admin.audit.col.actor')}</th><th scope="col">${t('admin.audit.col.action')}</th><th scope="col">${t('admin.audit.col.target')}</th><th scope="col">${t('admin.audit.col.details')}</th><th scope="col">${t('admin.audit.col.ip')}</th></tr></thead>
    <tbody>!${rows}</tbody>
  </table>
</div>`;
}
