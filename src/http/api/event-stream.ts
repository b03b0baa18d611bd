// A deployment's events as Server-Sent Events: each new event as `progress` (its id is the SSE id, so
// a client resumes with Last-Event-ID), then `end` once the deployment is finished. Events come from the
// database, woken by LISTEN/NOTIFY (the hub): the worker that writes them is rarely this process.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DeploymentEventsHub } from '../../provisioning/deployment-events-hub.ts';
import type { DeploymentEventView } from './schemas/deployments.schemas.ts';

const HEARTBEAT_MS = 25_000;
const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

export interface EventSource {
  deploymentId: number;
  /** Events after this id, and the deployment's state. */
  read(after: number): Promise<{ state: string; events: DeploymentEventView[] }>;
}

/** Streams until the deployment finishes, the client leaves or the server closes (`openStreams`). */
export async function streamDeploymentEvents(
  request: FastifyRequest, reply: FastifyReply, source: EventSource, after: number,
  deps: { hub: DeploymentEventsHub; openStreams: Set<() => void> },
): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    ...reply.getHeaders() as Record<string, string>,
    'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no',
  });
  let lastId = after;
  let sending = false;
  let again = false;
  let closed = false;

  const send = async (): Promise<void> => {
    if (sending) { again = true; return; }
    sending = true;
    try {
      do {
        again = false;
        const { state, events } = await source.read(lastId);
        if (closed) return;
        for (const event of events) {
          res.write(`id: ${event.id}\nevent: progress\ndata: ${JSON.stringify(event)}\n\n`);
          lastId = event.id;
        }
        if (FINISHED.has(state)) {
          res.write(`event: end\ndata: ${JSON.stringify({ state })}\n\n`);
          close();
        }
      } while (again && !closed);
    } catch (err) {
      request.log.warn({ err: (err as Error).message }, 'deployment events stream failed');
      close();
    } finally {
      sending = false;
    }
  };
  const unsubscribe = deps.hub.subscribe(source.deploymentId, () => void send());
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  function close() {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    deps.openStreams.delete(close);
    res.end();
  }
  deps.openStreams.add(close);
  request.raw.on('close', close);
  res.write('retry: 2000\n\n');
  await send();
}
