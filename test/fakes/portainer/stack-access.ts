// What every stack route shares: parameter parsing with Portainer's 400s, lookups with its 404s, access rules,
// name normalisation and the name-collision check of create and start (reference §5.2, §5.5 step 8, §5.7).
import type { ServerResponse } from 'node:http';
import type { Engine } from './engine.ts';
import { integerQuery, sendError } from './http-io.ts';
import { STACK_TYPE } from './state.ts';
import type { FakeEnvironment, FakeStack, FakeState, FakeUser } from './state.ts';

export const NOT_FOUND_DETAILS = 'Object not found inside the database';
const NOT_SWARM_MANAGER =
  'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
const ENGINE_UNREACHABLE = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

/** Lower-case, then drop everything outside `[-_a-z0-9]`: `My App!` → `myapp`. */
export function normaliseStackName(name: string): string {
  return name.toLowerCase().replace(/[^-_a-z0-9]/g, '');
}

/** Compose v2's project-name rule, checked at `compose up` (so a bad name is a deploy failure, a 500). */
export function projectNameProblem(name: string): string | null {
  if (name === '') return 'project name must not be empty';
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) {
    return `invalid project name "${name}": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`;
  }
  return null;
}

export function endpointIdOr400(res: ServerResponse, query: URLSearchParams): number | null {
  const value = integerQuery(query, 'endpointId');
  if (typeof value === 'number') return value;
  const details = value === 'missing' ? 'Missing query parameter' : `Strconv.Atoi: parsing "${query.get('endpointId')}": invalid syntax`;
  sendError(res, 400, 'Invalid query parameter: endpointId', details);
  return null;
}

export function stackIdOr400(res: ServerResponse, raw: string | undefined): number | null {
  if (raw !== undefined && /^\d+$/.test(raw)) return Number(raw);
  sendError(res, 400, 'Invalid stack identifier route variable', `Strconv.Atoi: parsing "${raw}": invalid syntax`);
  return null;
}

export function stackOr404(state: FakeState, res: ServerResponse, id: number): FakeStack | null {
  const stack = state.stacks.get(id);
  if (!stack) sendError(res, 404, 'Unable to find a stack with the specified identifier inside the database', NOT_FOUND_DETAILS);
  return stack ?? null;
}

export function canAccessStack(user: FakeUser, stack: FakeStack): boolean {
  return user.role === 1 || stack.ResourceControl.UserAccesses.some((access) => access.UserId === user.id);
}

/** Another Portainer record with this name on the environment (case-insensitive, as Portainer compares). */
export function stackNamedOn(state: FakeState, envId: number, name: string, exceptId?: number): FakeStack | undefined {
  const lower = name.toLowerCase();
  return [...state.stacks.values()].find((s) => s.EndpointId === envId && s.Name.toLowerCase() === lower && s.Id !== exceptId);
}

export type Collision = { kind: 'free' } | { kind: 'taken' } | { kind: 'error'; details: string };

/**
 * Is the name in use on this environment? Compose: a record there, or containers with the project label.
 * Swarm: also services in the namespace; the service listing fails on a non-manager.
 */
export function checkCollision(state: FakeState, engine: Engine, env: FakeEnvironment, name: string, type: number, exceptId?: number): Collision {
  if (!env.engineReachable) return { kind: 'error', details: ENGINE_UNREACHABLE };
  if (type === STACK_TYPE.swarm && !env.swarm) return { kind: 'error', details: NOT_SWARM_MANAGER };
  const taken =
    stackNamedOn(state, env.Id, name, exceptId) !== undefined ||
    engine.projectContainers(env.Id, name).length > 0 ||
    (type === STACK_TYPE.swarm && engine.namespaceServices(env.Id, name).length > 0);
  return { kind: taken ? 'taken' : 'free' };
}

export function sendDeployFailure(res: ServerResponse, stderr: string): void {
  sendError(res, 500, `failed to deploy a stack: ${stderr}`);
}
