// The Docker proxy (reference §7): `/api/endpoints/{id}/docker/<Engine API path>`. Portainer checks the
// environment and access; the rest is the engine's own answers, errors as `{message}`. An unreachable engine
// gives 502 with an empty body. The server strips an optional `/v1.xx` version prefix before routing here.
import type { ServerResponse } from 'node:http';
import {
  containerInspect,
  containerSummary,
  frameLogs,
  matchesLabels,
  parseDockerFilters,
  serviceSummary,
  taskSummary,
} from './docker-format.ts';
import type { Engine } from './engine.ts';
import { environmentOr404 } from './environments.ts';
import { sendDockerError, sendEmpty, sendJson } from './http-io.ts';
import type { RequestContext, Route } from './router.ts';
import type { FakeContainer, FakeEnvironment, FakeState, LogLine } from './state.ts';

const NOT_SWARM_MANAGER =
  'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
const PREFIX = '/api/endpoints/:id/docker';

/** Set by the server from the stripped version prefix: `Health` in container summaries needs API 1.52. */
export const API_VERSION_HEADER = 'x-fake-docker-api-version';

export function createDockerProxyRoutes(state: FakeState, engine: Engine): Route[] {
  function engineFor(ctx: RequestContext): FakeEnvironment | null {
    const env = environmentOr404(state, ctx.res, ctx.user!, Number(ctx.params.id));
    if (!env) return null;
    if (!env.engineReachable) {
      sendEmpty(ctx.res, 502);
      return null;
    }
    return env;
  }

  function swarmOr503(res: ServerResponse, env: FakeEnvironment): boolean {
    if (!env.swarm) sendDockerError(res, 503, NOT_SWARM_MANAGER);
    return env.swarm;
  }

  function filtersOr400(ctx: RequestContext): Map<string, string[]> | null {
    const filters = parseDockerFilters(ctx.query.get('filters'));
    if (!filters) sendDockerError(ctx.res, 400, 'invalid filter');
    return filters;
  }

  function flag(query: URLSearchParams, name: string): boolean {
    return ['1', 'true', 'True'].includes(query.get(name) ?? '');
  }

  function sendLogs(ctx: RequestContext, lines: LogLine[]): void {
    const stdout = flag(ctx.query, 'stdout');
    const stderr = flag(ctx.query, 'stderr');
    if (!stdout && !stderr) return sendDockerError(ctx.res, 400, 'Bad parameters: you must choose at least one stream');
    const selected = lines.filter((l) => (l.stream === 1 ? stdout : stderr)).sort((a, b) => a.time - b.time);
    const tail = ctx.query.get('tail');
    const count = tail === null || tail === 'all' ? selected.length : Math.max(0, Number(tail) || 0);
    const body = frameLogs(selected.slice(selected.length - count), flag(ctx.query, 'timestamps'));
    ctx.res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream', 'Content-Length': body.length });
    ctx.res.end(body);
  }

  function containerOr404(ctx: RequestContext, env: FakeEnvironment): FakeContainer | null {
    const id = ctx.params.cid!;
    const container = engine.containers(env.Id).find((c) => c.Id.startsWith(id) || c.name === `/${id}`);
    if (!container) sendDockerError(ctx.res, 404, `No such container: ${id}`);
    return container ?? null;
  }

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: `${PREFIX}/containers/json`,
      handle(ctx) {
        const env = engineFor(ctx);
        const filters = env && filtersOr400(ctx);
        if (!env || !filters) return;
        const all = flag(ctx.query, 'all');
        const withHealth = Number(ctx.req.headers[API_VERSION_HEADER] ?? 0) >= 1.52;
        const list = engine.containers(env.Id).filter(
          (c) =>
            (all || c.state === 'running') &&
            matchesLabels(c.labels, filters.get('label')) &&
            (!filters.get('status') || filters.get('status')!.includes(c.state)) &&
            (!filters.get('health') || filters.get('health')!.includes(engine.health(c))) &&
            (!filters.get('name') || filters.get('name')!.some((n) => c.name.includes(n))),
        );
        sendJson(ctx.res, 200, list.map((c) => containerSummary(engine, c, withHealth)));
      },
    },
    {
      method: 'GET',
      pattern: `${PREFIX}/containers/:cid/json`,
      handle(ctx) {
        const env = engineFor(ctx);
        const container = env && containerOr404(ctx, env);
        if (container) sendJson(ctx.res, 200, containerInspect(engine, container));
      },
    },
    {
      method: 'GET',
      pattern: `${PREFIX}/containers/:cid/logs`,
      handle(ctx) {
        const env = engineFor(ctx);
        const container = env && containerOr404(ctx, env);
        if (container) sendLogs(ctx, container.logs);
      },
    },
    {
      method: 'GET',
      pattern: `${PREFIX}/services`,
      handle(ctx) {
        const env = engineFor(ctx);
        const filters = env && swarmOr503(ctx.res, env) && filtersOr400(ctx);
        if (!env || !filters) return;
        const names = filters.get('name');
        const list = [...state.services.values()].filter(
          (s) => s.envId === env.Id && matchesLabels(s.labels, filters.get('label')) && (!names || names.some((n) => `${s.namespace}_${s.service}`.includes(n))),
        );
        sendJson(ctx.res, 200, list.map((s) => serviceSummary(state, engine, s, flag(ctx.query, 'status'))));
      },
    },
    {
      method: 'GET',
      pattern: `${PREFIX}/services/:sid/logs`,
      handle(ctx) {
        const env = engineFor(ctx);
        if (!env || !swarmOr503(ctx.res, env)) return;
        const service = [...state.services.values()].find((s) => s.envId === env.Id && (s.ID === ctx.params.sid || `${s.namespace}_${s.service}` === ctx.params.sid));
        if (!service) return sendDockerError(ctx.res, 404, `service ${ctx.params.sid} not found`);
        const lines = [...state.tasks.values()]
          .filter((t) => t.serviceId === service.ID)
          .flatMap((t) => state.containers.get(t.containerId)?.logs ?? []);
        sendLogs(ctx, lines);
      },
    },
    {
      method: 'GET',
      pattern: `${PREFIX}/tasks`,
      handle(ctx) {
        const env = engineFor(ctx);
        const filters = env && swarmOr503(ctx.res, env) && filtersOr400(ctx);
        if (!env || !filters) return;
        const serviceFilter = filters.get('service');
        const desired = filters.get('desired-state');
        // Swarm matches the task's *service* labels (swarmkit's ServiceAnnotations), not its container labels.
        const list = [...state.tasks.values()].filter((t) => {
          const service = state.services.get(t.serviceId);
          return (
            t.envId === env.Id &&
            service !== undefined &&
            matchesLabels(service.labels, filters.get('label')) &&
            (!serviceFilter || serviceFilter.some((s) => s === service.ID || s === `${service.namespace}_${service.service}`)) &&
            (!desired || desired.includes(t.desiredState))
          );
        });
        sendJson(ctx.res, 200, list.map((t) => taskSummary(state, engine, t)));
      },
    },
    {
      method: 'GET',
      pattern: `${PREFIX}/volumes`,
      handle(ctx) {
        const env = engineFor(ctx);
        const filters = env && filtersOr400(ctx);
        if (!env || !filters) return;
        const volumes = [...state.volumes.values()].filter((v) => v.envId === env.Id && matchesLabels(v.labels, filters.get('label')));
        sendJson(ctx.res, 200, {
          Volumes: volumes.map((v) => ({
            Name: v.Name,
            Driver: 'local',
            Labels: v.labels,
            Mountpoint: `/var/lib/docker/volumes/${v.Name}/_data`,
            Scope: 'local',
            CreatedAt: new Date(v.createdAt).toISOString(),
          })),
          Warnings: [],
        });
      },
    },
    {
      method: 'DELETE',
      pattern: `${PREFIX}/volumes/:name`,
      handle(ctx) {
        const env = engineFor(ctx);
        if (!env) return;
        const name = ctx.params.name!;
        const outcome = engine.removeVolume(env.Id, name);
        if (outcome === 'removed') return sendEmpty(ctx.res, 204);
        if (outcome === 'missing') return sendDockerError(ctx.res, 404, `get ${name}: no such volume`);
        sendDockerError(ctx.res, 409, `remove ${name}: volume is in use - [${outcome.inUseBy.join(', ')}]`);
      },
    },
    {
      method: 'GET',
      pattern: `${PREFIX}/swarm`,
      handle(ctx) {
        const env = engineFor(ctx);
        if (!env || !swarmOr503(ctx.res, env)) return;
        const time = new Date(0).toISOString();
        const admin = ctx.user!.role === 1;
        sendJson(ctx.res, 200, {
          ID: env.swarmId,
          Version: { Index: 10 },
          CreatedAt: time,
          UpdatedAt: time,
          Spec: { Name: 'default', Labels: {} },
          ...(admin ? { JoinTokens: { Worker: 'SWMTKN-1-worker', Manager: 'SWMTKN-1-manager' }, TLSInfo: {} } : {}),
        });
      },
    },
    {
      method: 'GET',
      pattern: `${PREFIX}/info`,
      handle(ctx) {
        const env = engineFor(ctx);
        if (!env) return;
        sendJson(ctx.res, 200, {
          ID: `engine-${env.Id}`,
          Name: env.Name,
          ServerVersion: '27.1.2',
          Containers: engine.containers(env.Id).length,
          Swarm: env.swarm
            ? { NodeID: 'node1', LocalNodeState: 'active', ControlAvailable: true, Cluster: { ID: env.swarmId } }
            : { NodeID: '', LocalNodeState: 'inactive', ControlAvailable: false },
        });
      },
    },
  ];
  return routes;
}
