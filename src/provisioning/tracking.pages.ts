// The prospect's live tracking page, reached through an unguessable capability URL, and its
// Server-Sent Events stream (resumable with Last-Event-ID).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { replyError } from '../http/errors.ts';
import { sendHtml } from '../http/html.ts';
import type { DeploymentEventsHub } from './deployment-events-hub.ts';
import type { TrackedDeployment, TrackingService } from './tracking.service.ts';
import { type MessageKey, t } from '../i18n/index.ts';
import { BADGE, eventMessage, progressLabel, progressText, stepList, trackingPage } from './views/tracking-page.ts';

const HEARTBEAT_MS = 25_000;
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

type TokenRequest = FastifyRequest<{ Params: { token: string } }>;

function privateHeaders(reply: FastifyReply): FastifyReply {
  // A capability URL must not leak through caches, referrers or search engines.
  return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('x-robots-tag', 'noindex');
}

export async function trackingPages(app: FastifyInstance, opts: { tracking: TrackingService; hub: DeploymentEventsHub }) {
  const { tracking, hub } = opts;
  // Open streams never end by themselves: a closing server ends them, or it would wait forever.
  const openStreams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const close of openStreams) close();
  });

  app.get('/deploiement/:token', async (request: TokenRequest, reply) => {
    const deployment = await tracking.findByToken(request.params.token);
    if (!deployment) return replyError(request, reply, 404);
    const [snapshot, events, credentials] = await Promise.all([
      tracking.snapshot(deployment), tracking.events(deployment.id), tracking.revealInitialCredentials(deployment),
    ]);
    return sendHtml(privateHeaders(reply), trackingPage({ deployment, snapshot, events, credentials }));
  });

  app.get('/deploiement/:token/flux', async (request: FastifyRequest<{ Params: { token: string }; Querystring: { depuis?: string } }>, reply) => {
    const deployment = await tracking.findByToken(request.params.token);
    if (!deployment) return replyError(request, reply, 404);
    privateHeaders(reply).hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...reply.getHeaders() as Record<string, string>,
      'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive', 'x-accel-buffering': 'no',
    });
    // EventSource sends Last-Event-ID on reconnection; the first connection says where the page stopped.
    let lastId = Number(request.headers['last-event-id'] ?? request.query.depuis ?? 0) || 0;
    let sending = false;
    let again = false;
    let closed = false;

    const send = async (): Promise<void> => {
      if (sending) { again = true; return; }
      sending = true;
      try {
        do {
          again = false;
          const current = await tracking.findByToken(request.params.token) as TrackedDeployment;
          const [events, state] = await Promise.all([tracking.events(deployment.id, lastId), tracking.snapshot(current)]);
          const snapshot = {
            ...state, progressLabel: progressLabel(state), etaText: progressText(state),
            stateLabel: t(`deployment.state.${current.state}` as MessageKey), badgeClass: BADGE[current.state] ?? '', stepsHtml: stepList(state),
          };
          if (closed) return;
          for (const e of events) {
            res.write(`id: ${e.id}\nevent: progress\ndata: ${JSON.stringify({ message: eventMessage(e), at: e.createdAt.toISOString(), snapshot })}\n\n`);
            lastId = e.id;
          }
          if (events.length === 0) res.write(`event: snapshot\ndata: ${JSON.stringify({ snapshot })}\n\n`);
          if (TERMINAL.has(current.state)) {
            res.write(`event: end\ndata: ${JSON.stringify({ state: current.state })}\n\n`);
            close();
          }
        } while (again && !closed);
      } catch (err) {
        request.log.warn({ err: (err as Error).message }, 'tracking stream failed');
        close();
      } finally {
        sending = false;
      }
    };
    const unsubscribe = hub.subscribe(deployment.id, () => void send());
    openStreams.add(close);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    function close() {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      openStreams.delete(close);
      res.end();
    }
    request.raw.on('close', close);
    res.write('retry: 2000\n\n');
    await send();
  });
}
