// GET /admin: the overview.
import type { FastifyInstance } from 'fastify';
import type { OverviewService } from '../../backoffice/overview.service.ts';
import { t } from '../../i18n/index.ts';
import { actorOf, noticeOf, renderAdmin } from './admin-request.ts';
import { overviewBody } from './views/overview.views.ts';

export async function overviewPages(app: FastifyInstance, deps: { overview: OverviewService }): Promise<void> {
  app.get('/', async (request, reply) => {
    const overview = await deps.overview.overview(actorOf(request));
    const body = () => overviewBody(overview, new Date(), noticeOf(request));
    return renderAdmin(request, reply, { title: t('admin.overview.title'), section: 'overview', body });
  });
}
