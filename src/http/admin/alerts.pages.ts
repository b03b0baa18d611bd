// « Alertes »: the list by status (every role), one alert with its timeline, and the acknowledgement (operators),
// which stops the reminders until the alert is resolved.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AlertsService } from '../../alerts/alerts.service.ts';
import { alertTitle } from '../../alerts/alert-texts.ts';
import { readStrings } from '../../forms/form-fields.ts';
import { t } from '../../i18n/index.ts';
import { can } from '../../staff/roles.ts';
import { replyError } from '../errors.ts';
import { actorOf, noticeOf, redirectWithNotice, renderAdmin } from './admin-request.ts';
import { ALERT_TABS, type AlertTab, alertPageBody, alertsBody } from './views/alerts.views.ts';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

function positive(value: string | undefined): number | undefined {
  const n = Number(value);
  return value && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

export async function alertsPages(app: FastifyInstance, deps: { alerts: Pick<AlertsService, 'list' | 'get' | 'acknowledge'> }): Promise<void> {
  const { alerts } = deps;

  app.get('/alertes', async (request, reply) => {
    const query = readStrings(request.query, 20);
    const tab: AlertTab = (ALERT_TABS as readonly string[]).includes(query.statut ?? '') ? query.statut as AlertTab : 'open';
    const before = positive(query.avant);
    const page = await alerts.list(actorOf(request), { status: tab === 'all' ? undefined : tab, before });
    return renderAdmin(request, reply, { title: t('admin.alerts.title'), section: 'alerts', body: () => alertsBody({ ...page, tab, before }) });
  });

  async function renderAlert(request: IdRequest, reply: FastifyReply, error?: string, status = 200) {
    const id = positive(request.params.id);
    const actor = actorOf(request);
    const found = id === undefined ? undefined : await alerts.get(actor, id);
    if (!found) return replyError(request, reply, 404);
    const title = t('admin.alerts.pageTitle', { id: found.alert.id, title: alertTitle(found.alert.kind) });
    const body = (csrfToken: string) => alertPageBody({ ...found, csrfToken, canOperate: can(actor.role, 'instances:operate'), notice: noticeOf(request), error });
    return renderAdmin(request, reply, { title, section: 'alerts', body, hasErrors: status >= 400 }, status);
  }

  app.get('/alertes/:id', (request: IdRequest, reply) => renderAlert(request, reply));

  app.post('/alertes/:id/acquitter', { config: { permission: 'instances:operate' } }, async (request: IdRequest, reply) => {
    const id = positive(request.params.id);
    if (id === undefined) return replyError(request, reply, 404);
    const result = await alerts.acknowledge(actorOf(request), id);
    if (result === 'not-found') return replyError(request, reply, 404);
    if (result === 'not-open') return renderAlert(request, reply, t('admin.alerts.error.notOpen', { id }), 409);
    return redirectWithNotice(reply, `/admin/alertes/${id}`, 'alertAcknowledged');
  });
}
