// « Fiche client » and its actions. Handlers translate: the services decide and audit.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ActionResult, ClientActions } from '../../backoffice/client-actions.service.ts';
import type { ClientRecordService } from '../../backoffice/client-record.service.ts';
import { isErasedRefusal } from '../../clients/erased-client.ts';
import { readStrings } from '../../forms/form-fields.ts';
import { type MessageKey, t } from '../../i18n/index.ts';
import type { Plan } from '../../plans/plan.ts';
import { replyError } from '../errors.ts';
import { actorOf, noticeOf, redirectWithNotice, renderAdmin } from './admin-request.ts';
import { clientBody, type ClientPageOptions } from './views/client.views.ts';

interface ClientPagesDeps {
  records: ClientRecordService;
  actions: ClientActions;
  plans: readonly Plan[];
}

function clientIdOf(request: FastifyRequest): number | undefined {
  const id = Number((request.params as { id: string }).id);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

export async function clientPages(app: FastifyInstance, deps: ClientPagesDeps): Promise<void> {
  async function render(request: FastifyRequest, reply: FastifyReply, extra: Partial<ClientPageOptions> = {}, status = 200) {
    const clientId = clientIdOf(request);
    const actor = actorOf(request);
    const record = clientId === undefined ? undefined : await deps.records.get(actor, clientId);
    if (!record) return replyError(request, reply, 404);
    // An erased client's instance is being deleted, or is: its containers and logs are no business of the page any more.
    const instance = record.stack && record.stack.observedState !== 'deleted' && !record.erasure ? await deps.records.instance(actor, record.stack) : undefined;
    const body = (csrfToken: string) => clientBody({ record, instance, plans: deps.plans, role: actor.role, csrfToken, now: new Date(), notice: noticeOf(request), ...extra });
    return renderAdmin(request, reply, { title: record.client.entreprise, section: 'clients', body, scripts: ['/assets/js/admin-client.js'], hasErrors: status >= 400 }, status);
  }

  /** Success: back to the page with a notice (a reload does not repeat the action). Refusal: the page with the reason. */
  function answer(request: FastifyRequest, reply: FastifyReply, result: ActionResult) {
    if (result.ok) return redirectWithNotice(reply, `/admin/clients/${clientIdOf(request)}`, result.notice);
    return render(request, reply, { error: t(`admin.error.${result.error}` as MessageKey, result.params) }, 409);
  }

  /** An action refused because the client's data was erased (RGPD): the page, with the reason, and nothing done. */
  async function refusingErased<T>(request: FastifyRequest, reply: FastifyReply, act: () => Promise<T>): Promise<T | FastifyReply> {
    try {
      return await act();
    } catch (error) {
      if (isErasedRefusal(error)) return render(request, reply, { error: error.message }, error.status);
      throw error;
    }
  }

  function action(path: string, permission: 'instances:operate' | 'subscriptions:manage', run: (request: FastifyRequest, clientId: number, form: Record<string, string | undefined>) => Promise<ActionResult>) {
    app.post(`/clients/:id/${path}`, { config: { permission } }, async (request, reply) => {
      const clientId = clientIdOf(request);
      if (clientId === undefined) return replyError(request, reply, 404);
      return refusingErased(request, reply, async () => answer(request, reply, await run(request, clientId, readStrings(request.body, 200))));
    });
  }

  app.get('/clients/:id', (request, reply) => render(request, reply));

  action('essai', 'instances:operate', (request, clientId, form) => deps.actions.extendTrial(actorOf(request), clientId, Number(form.jours)));
  action('offre', 'subscriptions:manage', (request, clientId, form) => deps.actions.changePlan(actorOf(request), clientId, form.offre ?? ''));
  action('resilier', 'subscriptions:manage', (request, clientId) => deps.actions.cancel(actorOf(request), clientId));
  action('instance/suspendre', 'instances:operate', (request, clientId) => deps.actions.operate(actorOf(request), clientId, 'suspend'));
  action('instance/reprendre', 'instances:operate', (request, clientId) => deps.actions.operate(actorOf(request), clientId, 'resume'));
  action('instance/redeployer', 'instances:operate', (request, clientId) => deps.actions.operate(actorOf(request), clientId, 'redeploy'));
  action('instance/supprimer', 'subscriptions:manage', (request, clientId, form) => deps.actions.remove(actorOf(request), clientId, form.confirmation ?? ''));

  app.post('/clients/:id/identifiants', { config: { permission: 'credentials:reveal' } }, async (request, reply) => {
    const clientId = clientIdOf(request);
    if (clientId === undefined) return replyError(request, reply, 404);
    return refusingErased(request, reply, async () => {
      const result = await deps.actions.revealCredentials(actorOf(request), clientId, readStrings(request.body, 300).password ?? '');
      if (result === 'wrong-password') return render(request, reply, { revealError: t('admin.client.reveal.wrongPassword') }, 403);
      if (result === 'none') return render(request, reply, { revealError: t('admin.client.reveal.none') }, 404);
      return render(request, reply, { revealed: result });
    });
  });
}
