// « Journal d'audit »: the whole log, newest first, 50 entries a page (keyset on the id).
import type { FastifyInstance } from 'fastify';
import { html } from 'ghtml';
import type { AuditService } from '../../audit/audit.service.ts';
import { t } from '../../i18n/index.ts';
import { actorOf, renderAdmin } from './admin-request.ts';
import { auditTable } from './views/audit.views.ts';

export async function auditPages(app: FastifyInstance, deps: { audit: AuditService }): Promise<void> {
  app.get('/journal', { config: { permission: 'audit:read' } }, async (request, reply) => {
    const before = Number((request.query as { avant?: string }).avant);
    const page = await deps.audit.list(actorOf(request), Number.isSafeInteger(before) && before > 0 ? before : undefined);
    const pager = html`<nav class="cluster pagination" aria-label="${t('admin.audit.title')}">
      !${Number.isSafeInteger(before) && before > 0 ? html`<a class="btn btn--ghost btn--sm" href="/admin/journal">${t('admin.audit.first')}</a>` : ''}
      !${page.next ? html`<a class="btn btn--secondary btn--sm" href="/admin/journal?avant=${page.next}" rel="next">${t('admin.audit.next')}</a>` : ''}
    </nav>`;
    const body = () => html`<div class="stack">
  <header><h1>${t('admin.audit.title')}</h1><p class="lead">${t('admin.audit.intro')}</p></header>
  !${auditTable(page.entries, t('admin.audit.table'), { showClient: true })}
  !${pager}
</div>`;
    return renderAdmin(request, reply, { title: t('admin.audit.title'), section: 'audit', body });
  });
}
