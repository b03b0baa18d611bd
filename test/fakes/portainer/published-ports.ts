// For demonstrations by hand: every published port of a running container answers HTTP, so the platform's
// health probe of an instance (`GET /health`) sees what the container's healthcheck says. No ERP runs here.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Engine } from './engine.ts';
import type { FakeContainer, FakeState } from './state.ts';

const SYNC_MS = 200;

export function servePublishedPorts(state: FakeState, engine: Engine, host: string) {
  const servers = new Map<number, Server | null>();

  function containerOn(port: number) {
    return [...state.containers.values()].find((c) => c.state === 'running' && c.ports.some((p) => p.PublicPort === port));
  }

  function open(port: number): void {
    const server = createServer((req, res) => answerAsContainer(req, res, engine, containerOn(port)));
    servers.set(port, server);
    server.on('error', (err) => {
      console.error(`fake Portainer: cannot serve published port ${port}: ${err.message}`);
      servers.set(port, null);
    });
    server.listen(port, host);
  }

  function sync(): void {
    const wanted = new Set([...state.containers.values()].filter((c) => c.state === 'running').flatMap((c) => c.ports.map((p) => p.PublicPort)));
    for (const port of wanted) if (!servers.has(port)) open(port);
    for (const [port, server] of servers) {
      if (wanted.has(port)) continue;
      server?.close();
      server?.closeAllConnections();
      servers.delete(port);
    }
  }

  const timer = setInterval(sync, SYNC_MS);
  timer.unref();

  return {
    close(): void {
      clearInterval(timer);
      for (const server of servers.values()) {
        server?.close();
        server?.closeAllConnections();
      }
      servers.clear();
    },
  };
}

/** What the instance in `container` would answer: `/health` as its healthcheck says, a page otherwise. */
export function answerAsContainer(req: IncomingMessage, res: ServerResponse, engine: Engine, container: FakeContainer | undefined): void {
  const health = container ? engine.health(container) : 'gone';
  const ready = health === 'healthy' || health === 'none';
  if (req.url === '/health') {
    res.writeHead(ready ? 200 : 503, { 'Content-Type': 'application/json' });
    return void res.end(JSON.stringify({ status: ready ? 'ok' : health }));
  }
  res.writeHead(ready ? 200 : 503, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><title>${container?.project ?? ''}</title><p>Stack ${container?.project ?? '?'} (${health}), served by the fake Portainer.</p>`);
}
