// « Déploiements »: the board, one deployment's page and its live stream (Server-Sent Events fed by the
// deployment events hub, like the customer's tracking page, but authorised by the staff session and showing
// the operator detail), and the retry of a failed deployment.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DeploymentDetail, DeploymentsBoardService } from '../../backoffice/deployments-board.service.ts';
import { isErasedRefusal } from '../../clients/erased-client.ts';
import { isActive } from '../../backoffice/deployments-board.service.ts';
import { t } from '../../i18n/index.ts';
import type { DeploymentEventsHub } from '../../provisioning/deployment-events-hub.ts';
import { can } from '../../staff/roles.ts';
import { replyError } from '../errors.ts';
import { actorOf, noticeOf, redirectWithNotice, renderAdmin } from './admin-request.ts';
import { deploymentPageBody, deploymentsBoardBody, eventItem, kindLabel, stepsPanel, summaryPanel } from './views/deployments.views.ts';

const HEARTBEAT_MS = 25_000;
// A stream ends after this long and the browser reconnects (Last-Event-ID), through the guard again: a
// session that was closed or an account that was disabled stops receiving within this delay.
const STREAM_MAX_MS = 5 * 60_000;
const SCRIPTS = ['/assets/js/admin-live.js'];

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

function idOf(request: IdRequest): number | undefined {
  const id = Number(request.params.id);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

export async function deploymentPages(app: FastifyInstance, deps: { deployments: DeploymentsBoardService; hub: DeploymentEventsHub }): Promise<void> {
  // Open streams never end by themselves: a closing server ends them, or it would wait forever.
  const openStreams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const close of openStreams) close();
  });

  async function renderBoard(request: FastifyRequest, reply: FastifyReply, error?: string, status = 200) {
    const actor = actorOf(request);
    const board = await deps.deployments.board(actor);
    const canOperate = can(actor.role, 'instances:operate');
    const body = (csrfToken: string) => deploymentsBoardBody({ board, csrfToken, canOperate, now: new Date(), notice: noticeOf(request), error });
    return renderAdmin(request, reply, { title: t('admin.deployments.title'), section: 'deployments', body, scripts: SCRIPTS, hasErrors: status >= 400 }, status);
  }

  async function renderDeployment(request: IdRequest, reply: FastifyReply, error?: string, status = 200) {
    const id = idOf(request);
    const actor = actorOf(request);
    const detail = id === undefined ? undefined : await deps.deployments.detail(actor, id);
    if (!detail) return replyError(request, reply, 404);
    const canOperate = can(actor.role, 'instances:operate');
    const title = t('admin.deployments.pageTitle', { id: detail.deployment.id, kind: kindLabel(detail.deployment.kind), stack: detail.deployment.stackName });
    const body = (csrfToken: string) => deploymentPageBody({ detail, csrfToken, canOperate, now: new Date(), notice: noticeOf(request), error });
    return renderAdmin(request, reply, { title, section: 'deployments', body, scripts: SCRIPTS, hasErrors: status >= 400 }, status);
  }

  app.get('/deploiements', (request, reply) => renderBoard(request, reply));
  app.get('/deploiements/:id', (request: IdRequest, reply) => renderDeployment(request, reply));

  app.post('/deploiements/:id/relancer', { config: { permission: 'instances:operate' } }, async (request: IdRequest, reply) => {
    const id = idOf(request);
    if (id === undefined) return replyError(request, reply, 404);
    const fromBoard = (request.body as { retour?: unknown } | undefined)?.retour === 'liste';
    let result;
    try {
      result = await deps.deployments.retry(actorOf(request), id);
    } catch (error) {
      // A deployment of an erased client (RGPD) other than a deletion: refused with the reason, nothing queued.
      if (!isErasedRefusal(error)) throw error;
      return fromBoard ? renderBoard(request, reply, error.message, error.status) : renderDeployment(request, reply, error.message, error.status);
    }
    if (result === 'not-found') return replyError(request, reply, 404);
    if (result === 'queued') return redirectWithNotice(reply, fromBoard ? '/admin/deploiements' : `/admin/deploiements/${id}`, 'deploymentRetried');
    const message = t('admin.deployments.error.notFailed', { id });
    return fromBoard ? renderBoard(request, reply, message, 409) : renderDeployment(request, reply, message, 409);
  });

  app.get('/deploiements/:id/flux', async (request: FastifyRequest<{ Params: { id: string }; Querystring: { depuis?: string } }>, reply) => {
    const id = idOf(request);
    // Only EventSource gets the never-ending stream; a person who opens the address (the sign-in page's `suite`
    // can lead there) or a crawler gets the deployment's page.
    if (!String(request.headers.accept ?? '').includes('text/event-stream')) {
      return reply.redirect(id === undefined ? '/admin/deploiements' : `/admin/deploiements/${id}`, 303);
    }
    const actor = actorOf(request);
    // EventSource sends Last-Event-ID on reconnection; the first connection says where the page stopped.
    const from = Number(request.headers['last-event-id'] ?? request.query.depuis ?? 0);
    let lastId = Number.isSafeInteger(from) && from > 0 ? from : 0;
    const found = id === undefined ? undefined : await deps.deployments.detail(actor, id, Number.MAX_SAFE_INTEGER);
    if (id === undefined || !found) return replyError(request, reply, 404);

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...reply.getHeaders() as Record<string, string>,
      'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive', 'x-accel-buffering': 'no',
    });
    let closed = false;
    let sending = false;
    let again = false;

    function push(detail: DeploymentDetail): void {
      const now = new Date();
      const data = {
        state: detail.deployment.state,
        eventsHtml: detail.events.map(eventItem).join(''),
        summaryHtml: summaryPanel(detail.deployment, now),
        stepsHtml: stepsPanel(detail.steps, now),
      };
      if (detail.events.length > 0) {
        lastId = detail.events.at(-1)!.id;
        res.write(`id: ${lastId}\nevent: progress\ndata: ${JSON.stringify(data)}\n\n`);
      } else {
        res.write(`event: snapshot\ndata: ${JSON.stringify(data)}\n\n`);
      }
      if (!isActive(detail.deployment.state)) {
        res.write(`event: end\ndata: ${JSON.stringify({ state: detail.deployment.state })}\n\n`);
        close();
      }
    }

    async function send(): Promise<void> {
      if (sending) { again = true; return; }
      sending = true;
      try {
        do {
          again = false;
          const detail = await deps.deployments.detail(actor, id!, lastId);
          if (closed) return;
          if (!detail) return close();
          push(detail);
        } while (again && !closed);
      } catch (err) {
        request.log.warn({ err: (err as Error).message, deploymentId: id }, 'staff deployment stream failed');
        close();
      } finally {
        sending = false;
      }
    }

    const unsubscribe = deps.hub.subscribe(id, () => void send());
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    const lifetime = setTimeout(close, STREAM_MAX_MS);
    function close(): void {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(lifetime);
      unsubscribe();
      openStreams.delete(close);
      res.end();
    }
    openStreams.add(close);
    request.raw.on('close', close);
    res.write('retry: 2000\n\n');
    // Read after subscribing: an event written in between is not missed.
    await send();
  });
}
