// Stack reads (reference §5.3, §5.4): the list with Portainer's peculiar `filters` semantics, one stack, its file.
import { field, parseJsonObject, sendError, sendJson } from './http-io.ts';
import type { Route } from './router.ts';
import { canAccessStack, stackIdOr400, stackOr404 } from './stack-access.ts';
import { publicStack, STACK_TYPE } from './state.ts';
import type { FakeStack, FakeState } from './state.ts';

interface ListFilters {
  endpointId: number | undefined;
  swarmId: string | undefined;
  includeOrphaned: boolean;
}

function parseFilters(raw: string | null): ListFilters | null {
  if (raw === null || raw === '') return { endpointId: undefined, swarmId: undefined, includeOrphaned: false };
  const value = parseJsonObject(raw);
  if (!value) return null;
  const endpointId = field(value, 'EndpointID');
  const swarmId = field(value, 'SwarmID');
  if ((endpointId !== undefined && typeof endpointId !== 'number') || (swarmId !== undefined && typeof swarmId !== 'string')) return null;
  return { endpointId: endpointId || undefined, swarmId: swarmId || undefined, includeOrphaned: field(value, 'IncludeOrphanedStacks') === true };
}

/** No EndpointID and no SwarmID: everything. Otherwise compose stacks of the environment plus swarm stacks of the swarm. */
function matches(stack: FakeStack, filters: ListFilters): boolean {
  if (filters.endpointId === undefined && filters.swarmId === undefined) return true;
  if (stack.Type === STACK_TYPE.compose) return stack.EndpointId === filters.endpointId;
  if (stack.Type === STACK_TYPE.swarm) return stack.SwarmId === (filters.swarmId ?? '');
  return false;
}

export function createStackRoutes(state: FakeState): Route[] {
  const list: Route = {
    method: 'GET',
    pattern: '/api/stacks',
    handle({ res, query, user }) {
      const filters = parseFilters(query.get('filters'));
      if (!filters) return sendError(res, 400, 'Invalid query parameter: filters', 'Invalid character in filters');
      if (filters.includeOrphaned && user!.role !== 1) return sendError(res, 403, 'Permission denied to access orphaned stacks');
      const stacks = [...state.stacks.values()].filter((s) => matches(s, filters) && canAccessStack(user!, s));
      sendJson(res, 200, stacks.map(publicStack));
    },
  };

  const inspect: Route = {
    method: 'GET',
    pattern: '/api/stacks/:id',
    handle({ res, params, user }) {
      const id = stackIdOr400(res, params.id);
      const stack = id === null ? null : stackOr404(state, res, id);
      if (!stack) return;
      if (!canAccessStack(user!, stack)) return sendError(res, 403, 'Access denied to resource');
      sendJson(res, 200, publicStack(stack));
    },
  };

  const file: Route = {
    method: 'GET',
    pattern: '/api/stacks/:id/file',
    handle({ res, params, user }) {
      const id = stackIdOr400(res, params.id);
      const stack = id === null ? null : stackOr404(state, res, id);
      if (!stack) return;
      if (!canAccessStack(user!, stack)) return sendError(res, 403, 'Access denied to resource');
      sendJson(res, 200, { StackFileContent: stack.file });
    },
  };

  return [list, inspect, file];
}
