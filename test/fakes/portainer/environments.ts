// Environments ("endpoints", reference §4): the list with its filters and count headers, one environment, and
// the access check every environment-scoped route shares.
import type { ServerResponse } from 'node:http';
import type { Engine } from './engine.ts';
import { sendError, sendJson } from './http-io.ts';
import type { Route } from './router.ts';
import { isDockerType } from './state.ts';
import type { FakeEnvironment, FakeState, FakeUser } from './state.ts';

function canAccess(user: FakeUser, env: FakeEnvironment): boolean {
  return user.role === 1 || user.environments.includes(env.Id);
}

/** The environment named by a route, or null once the 404/403 answer is sent. */
export function environmentOr404(state: FakeState, res: ServerResponse, user: FakeUser, id: number, what = 'an environment'): FakeEnvironment | null {
  const env = state.environments.get(id);
  if (!env) {
    sendError(res, 404, `Unable to find ${what} with the specified identifier inside the database`, 'Object not found inside the database');
    return null;
  }
  if (!canAccess(user, env)) {
    sendError(res, 403, 'Permission denied to access environment', 'Access denied to environment');
    return null;
  }
  return env;
}

export function createEnvironmentRoutes(state: FakeState, engine: Engine): Route[] {
  function serialise(env: FakeEnvironment) {
    const docker = isDockerType(env.Type);
    const containers = engine.containers(env.Id);
    const running = containers.filter((c) => c.state === 'running');
    return {
      Id: env.Id,
      Name: env.Name,
      Type: env.Type,
      URL: env.URL,
      PublicURL: '',
      GroupId: 1,
      TagIds: [],
      Status: env.Status,
      ContainerEngine: docker ? 'docker' : '',
      ComposeSyntaxMaxVersion: docker ? '3.9' : '',
      Snapshots: docker
        ? [{
            Time: Math.floor(Date.now() / 1000),
            DockerVersion: '27.1.2',
            Swarm: env.swarm,
            TotalCPU: 8,
            TotalMemory: 16_777_216_000,
            ContainerCount: containers.length,
            RunningContainerCount: running.length,
            StoppedContainerCount: containers.length - running.length,
            HealthyContainerCount: running.filter((c) => engine.health(c) === 'healthy').length,
            UnhealthyContainerCount: running.filter((c) => engine.health(c) === 'unhealthy').length,
            ServiceCount: [...state.services.values()].filter((s) => s.envId === env.Id).length,
            StackCount: [...state.stacks.values()].filter((s) => s.EndpointId === env.Id).length,
            NodeCount: 1,
            DockerSnapshotRaw: {},
          }]
        : [],
      Kubernetes: { Snapshots: [] },
      UserAccessPolicies: {},
      TeamAccessPolicies: {},
    };
  }

  const list: Route = {
    method: 'GET',
    pattern: '/api/endpoints',
    handle({ res, query, user }) {
      const visible = [...state.environments.values()].filter((env) => canAccess(user!, env));
      const types = query.getAll('types[]').map(Number);
      const statuses = query.getAll('status[]').map(Number);
      const name = query.get('name');
      const search = query.get('search')?.toLowerCase();
      const filtered = visible.filter(
        (env) =>
          (types.length === 0 || types.includes(env.Type)) &&
          (statuses.length === 0 || statuses.includes(env.Status)) &&
          (!name || env.Name === name) &&
          (!search || env.Name.toLowerCase().includes(search)),
      );
      sendJson(res, 200, filtered.map(serialise), {
        'X-Total-Count': String(filtered.length),
        'X-Total-Available': String(visible.length),
      });
    },
  };

  const inspect: Route = {
    method: 'GET',
    pattern: '/api/endpoints/:id',
    handle({ res, params, user }) {
      if (!/^\d+$/.test(params.id!)) return sendError(res, 400, 'Invalid environment identifier route variable', 'Invalid route variable');
      const env = environmentOr404(state, res, user!, Number(params.id));
      if (env) sendJson(res, 200, serialise(env));
    },
  };

  return [list, inspect];
}
