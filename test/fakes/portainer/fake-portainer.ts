// A protocol-faithful fake Portainer CE 2.23 (see ../../../../shared/reference/portainer-api.md §8) as a real HTTP
// server, with injectable latency and faults, for the driver's tests, the benchmarks and demonstrations by hand.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAuth } from './auth.ts';
import type { RateLimit } from './auth.ts';
import { createDeployQueue } from './deploys.ts';
import type { DeployStats } from './deploys.ts';
import { API_VERSION_HEADER, createDockerProxyRoutes } from './docker-proxy.ts';
import { createEngine } from './engine.ts';
import { createEnvironmentRoutes } from './environments.ts';
import { createFaults } from './faults.ts';
import type { Fault } from './faults.ts';
import { sendDockerError, sendError, sendJson } from './http-io.ts';
import { servePublishedPorts } from './published-ports.ts';
import { serveTraefik } from './traefik-routes.ts';
import { createRouter } from './router.ts';
import type { Route } from './router.ts';
import { createStackCreateRoutes } from './stack-create.ts';
import { createStackLifecycleRoutes } from './stack-lifecycle.ts';
import { createStackRoutes } from './stacks.ts';
import { createState, publicStack } from './state.ts';
import type { EnvironmentInput, FakeContainer, FakeService, FakeStack, FakeTask, FakeVolume } from './state.ts';

export type { EnvironmentInput, Fault, RateLimit };

export interface Latency {
  /** Added to every call before it is handled. */
  perCallMs: number;
  /** Time one stack deploy (create or update) holds Portainer's global deploy lock. */
  deployMs: number;
  /** Containers with a healthcheck report `starting` for this long after they start, then `healthy`. */
  healthyAfterMs: number;
}

export interface FakePortainerOptions {
  /** Default 0: a free port. */
  port?: number;
  host?: string;
  /** Serve HTTPS with this key and certificate (Portainer's 9443 with its self-signed certificate). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Answer HTTP on the published ports of running containers (`/health` as their healthcheck says), for demos. */
  servePublishedPorts?: boolean;
  /** Stand in for Traefik on this port (0: a free one): requests are routed by Host to the container whose labels ask for it. */
  traefikPort?: number;
  adminUsername?: string;
  adminPassword?: string;
  /** An API key of the admin the fake accepts in X-API-Key (default: a random `ptr_…`). */
  apiKey?: string;
  /** Standard (non-admin) users and the environments they were granted. */
  users?: { username: string; password: string; environments?: number[] }[];
  /** Default: 1 `local` (standalone Docker) and 2 `swarm` (a swarm manager). */
  environments?: EnvironmentInput[];
  /** JWT lifetime (Portainer's UserSessionTimeout, default 8 h). */
  jwtLifetimeMs?: number;
  /** Login rate limiter: default Portainer's (burst 10, 1/s, 1 h ban); false disables it. */
  loginRateLimit?: RateLimit | false;
  latency?: Partial<Latency>;
}

export interface CallRecord {
  method: string;
  /** `METHOD pattern`, e.g. `POST /api/stacks/create/:type/:method`; the raw path when no route matched. */
  route: string;
  path: string;
  /** 0 while unanswered, and for hung or dropped calls. */
  status: number;
  at: number;
  /** Which credentials the request carried: `x-api-key`, `authorization`, `cookie`. */
  credentials: string[];
}

export type PublicStack = Omit<FakeStack, 'file'>;

const DEFAULT_ENVIRONMENTS: EnvironmentInput[] = [
  { id: 1, name: 'local', swarm: false },
  { id: 2, name: 'swarm', swarm: true },
];

export async function startFakePortainer(options: FakePortainerOptions = {}) {
  const abort = new AbortController();
  const adminUsername = options.adminUsername ?? 'admin';
  const adminPassword = options.adminPassword ?? `fake-${randomBytes(9).toString('base64url')}`;
  const apiKey = options.apiKey ?? `ptr_${randomBytes(32).toString('base64url')}`;
  const users = [
    { id: 1, username: adminUsername, password: adminPassword, role: 1 as const, environments: [] },
    ...(options.users ?? []).map((u, i) => ({ id: i + 2, username: u.username, password: u.password, role: 2 as const, environments: u.environments ?? [] })),
  ];
  const state = createState(options.environments ?? DEFAULT_ENVIRONMENTS, users);
  const latency: Latency = { perCallMs: 0, deployMs: 0, healthyAfterMs: 0, ...options.latency };
  const engine = createEngine(state, latency);
  const deploys = createDeployQueue(latency, abort.signal);
  const faults = createFaults(abort.signal);
  const auth = createAuth(state, {
    jwtLifetimeMs: options.jwtLifetimeMs ?? 8 * 3600_000,
    rateLimit: options.loginRateLimit ?? { burst: 10, refillPerSecond: 1, banMs: 3600_000 },
  });
  auth.addApiKey(1, apiKey);
  const status: Route = {
    method: 'GET',
    pattern: '/api/status',
    public: true,
    handle: ({ res }) => sendJson(res, 200, { Version: '2.23.0', InstanceID: 'fake-portainer' }),
  };
  const router = createRouter([
    status,
    { ...status, pattern: '/api/system/status' },
    ...auth.routes,
    ...createEnvironmentRoutes(state, engine),
    ...createStackRoutes(state),
    ...createStackCreateRoutes(state, engine, deploys),
    ...createStackLifecycleRoutes(state, engine, deploys),
    ...createDockerProxyRoutes(state, engine),
  ]);
  const calls: CallRecord[] = [];
  let refusing = false;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake');
    // The Docker proxy accepts an API version prefix: /docker/v1.41/containers/json.
    const pathname = url.pathname.replace(/^(\/api\/endpoints\/\d+\/docker)\/v(\d+\.\d+)\//, (_all, base: string, version: string) => {
      req.headers[API_VERSION_HEADER] = version;
      return `${base}/`;
    });
    const match = router.match(method, pathname);
    const record: CallRecord = {
      method,
      route: typeof match === 'object' && match ? `${method} ${match.route.pattern}` : `${method} ${pathname}`,
      path: `${pathname}${url.search}`,
      status: 0,
      at: Date.now(),
      credentials: ['x-api-key', 'authorization', 'cookie'].filter((name) => req.headers[name] !== undefined),
    };
    calls.push(record);
    res.on('finish', () => (record.status = res.statusCode));
    if (latency.perCallMs > 0) await sleep(latency.perCallMs, undefined, { signal: abort.signal });
    if ((await faults.apply(req, res, `${method} ${pathname}`)) === 'handled') return;
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-CSRF-Token', auth.csrfToken);
    if (match === 'method-not-allowed') return sendError(res, 405, 'Method not allowed');
    if (!match) {
      if (pathname.includes('/docker/')) return sendDockerError(res, 404, 'page not found');
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      return void res.end('404 page not found\n');
    }
    let user = null;
    let via = null;
    if (!match.route.public) {
      const result = auth.authenticate(req);
      if (!result.ok) {
        if ('csrf' in result) {
          res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
          return void res.end(`${result.csrf}\n`);
        }
        return sendError(res, result.status, result.message, result.details);
      }
      ({ user, via } = result);
    }
    await match.route.handle({ req, res, params: match.params, query: url.searchParams, user, via });
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (abort.signal.aborted) return;
      if (!res.headersSent) sendError(res, 500, 'Internal server error', (err as Error).message);
    });
  };
  const server = options.tls ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, onRequest) : createServer(onRequest);
  // While "down", connections that still arrive (e.g. on a listener not yet closed) are reset.
  server.on('connection', (socket) => {
    if (refusing) socket.destroy();
  });
  const host = options.host ?? '127.0.0.1';
  await listen(options.port ?? 0);
  const published = options.servePublishedPorts ? servePublishedPorts(state, engine, host) : null;
  const traefik = options.traefikPort === undefined ? null : await serveTraefik(state, engine, host, options.traefikPort);
  const port = (server.address() as AddressInfo).port;

  function listen(onPort: number): Promise<void> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(onPort, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  function goDown(): void {
    if (refusing) return;
    refusing = true;
    server.close();
    server.closeAllConnections();
  }

  async function comeBack(): Promise<void> {
    if (!refusing) return;
    await listen(port);
    refusing = false;
  }

  const list = <T extends { envId: number }>(items: Iterable<T>, envId?: number) => [...items].filter((i) => envId === undefined || i.envId === envId);

  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    apiKey,
    /** Where the Traefik stand-in listens (option `traefikPort`), null without it. */
    traefikPort: traefik?.port ?? null,
    adminUsername,
    adminPassword,
    /** The ids of the default environments, or of those given. */
    environmentIds: [...state.environments.keys()],
    swarmId: (envId: number) => state.environments.get(envId)?.swarmId ?? '',

    setLatency(next: Partial<Latency>): void {
      Object.assign(latency, next);
    },
    addFault(fault: Fault): void {
      faults.add(fault);
    },
    clearFaults(): void {
      faults.clear();
    },
    /** The next stack deploy fails as `compose up` would, with this stderr. */
    failNextDeploy(stderr: string): void {
      deploys.failNext(stderr);
    },
    /** The engine behind the environment stops answering (proxy 502, name check 500) or comes back. */
    setEngineReachable(envId: number, reachable: boolean): void {
      const env = state.environments.get(envId);
      if (env) env.engineReachable = reachable;
    },
    /** Portainer stops answering: connections are refused until `comeBack()`; open ones are cut. */
    goDown,
    comeBack,
    /** A Portainer restart: a new JWT signing key (every JWT dies, API keys live on), open connections cut. */
    async restart(downMs = 0): Promise<void> {
      auth.restart();
      server.closeAllConnections();
      if (downMs <= 0) return;
      goDown();
      await sleep(downMs, undefined, { signal: abort.signal });
      await comeBack();
    },

    stacks: (): PublicStack[] => [...state.stacks.values()].map(publicStack),
    stackFile: (id: number): string | undefined => state.stacks.get(id)?.file,
    containers: (envId?: number): FakeContainer[] => list(state.containers.values(), envId),
    services: (envId?: number): FakeService[] => list(state.services.values(), envId),
    tasks: (envId?: number): FakeTask[] => list(state.tasks.values(), envId),
    volumes: (envId?: number): FakeVolume[] => list(state.volumes.values(), envId),
    crash: engine.crash,
    makeUnhealthy: engine.makeUnhealthy,
    appendLog: engine.appendLog,
    deployStats: (): DeployStats => ({ ...deploys.stats }),

    calls: (): CallRecord[] => [...calls],
    /** Calls whose `route` (e.g. `GET /api/stacks`) contains or matches `route`; all calls without it. */
    callCount(route?: string | RegExp): number {
      return calls.filter((c) => route === undefined || (typeof route === 'string' ? c.route.includes(route) : route.test(c.route))).length;
    },
    callCounts(): Record<string, number> {
      const counts: Record<string, number> = {};
      for (const c of calls) counts[c.route] = (counts[c.route] ?? 0) + 1;
      return counts;
    },
    resetCalls(): void {
      calls.length = 0;
    },

    async close(): Promise<void> {
      abort.abort();
      published?.close();
      traefik?.close();
      refusing = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export type FakePortainer = Awaited<ReturnType<typeof startFakePortainer>>;
