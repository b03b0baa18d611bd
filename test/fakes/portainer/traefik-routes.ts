// Stands in for Traefik in domain mode: one listener routes each request by its Host header to the running container
// whose `traefik.http.routers.<router>.rule` label is Host(`<host>`), which answers as its healthcheck says (see
// published-ports.ts). Unknown hosts get Traefik's plain 404. No ERP runs here.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine } from './engine.ts';
import { answerAsContainer } from './published-ports.ts';
import type { FakeContainer, FakeState } from './state.ts';

const ROUTER_RULE = /^traefik\.http\.routers\.[^.]+\.rule$/;
const HOST_RULE = /^Host\(`([^`]+)`\)$/;

export async function serveTraefik(state: FakeState, engine: Engine, host: string, port: number) {
  function routedTo(requested: string): FakeContainer | undefined {
    return [...state.containers.values()].find((c) => c.state === 'running' && Object.entries(c.labels).some(
      ([key, value]) => ROUTER_RULE.test(key) && HOST_RULE.exec(value)?.[1]?.toLowerCase() === requested,
    ));
  }

  const server = createServer((req, res) => {
    const container = routedTo((req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase());
    if (container) return answerAsContainer(req, res, engine, container);
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('404 page not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close(): void {
      server.close();
      server.closeAllConnections();
    },
  };
}
