// GET /admin/clients: the client list. The address's words are translated here; the service checks every value
// and answers either a page or what was wrong (a 400 page with the form, never a 500).
import type { FastifyInstance } from 'fastify';
import type { ClientDirectoryService, ClientSort, ErasedFilter } from '../../backoffice/client-directory.service.ts';
import { t } from '../../i18n/index.ts';
import { actorOf, renderAdmin } from './admin-request.ts';
import { clientsBody, ERASED_PARAMS, invalidClientsBody, SORT_PARAMS } from './views/clients.views.ts';

const SORT_OF_PARAM = new Map(Object.entries(SORT_PARAMS).map(([sort, param]) => [param, sort as ClientSort]));
const ERASED_OF_PARAM = new Map(Object.entries(ERASED_PARAMS).map(([erased, param]) => [param, erased as ErasedFilter]));

/** A known value, nothing (the default), or `null`: a value the service will refuse. */
function valueOf<T>(words: Map<string, T>, value: unknown): T | null | undefined {
  if (value === undefined || value === '') return undefined;
  return typeof value === 'string' ? (words.get(value) ?? null) : null;
}

export async function clientsPages(app: FastifyInstance, deps: { clients: ClientDirectoryService }): Promise<void> {
  app.get('/clients', { config: { permission: 'dashboard:read' } }, async (request, reply) => {
    const raw = request.query as Record<string, unknown>;
    const result = await deps.clients.list(actorOf(request), {
      q: raw.q, plan: raw.offre, status: raw.statut, state: raw.instance, erased: valueOf(ERASED_OF_PARAM, raw.rgpd), sort: valueOf(SORT_OF_PARAM, raw.tri),
      after: raw.apres, before: raw.avant,
    });
    const plans = deps.clients.plans;
    const title = t('admin.clients.title');
    if (!result.ok) {
      const body = () => invalidClientsBody({ query: result.query, plans, problems: result.problems });
      return renderAdmin(request, reply, { title, section: 'clients', body, hasErrors: true }, 400);
    }
    const body = () => clientsBody({ query: result.query, plans, page: result.page, now: new Date() });
    return renderAdmin(request, reply, { title, section: 'clients', body });
  });
}
