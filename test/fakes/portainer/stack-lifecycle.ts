// Start, stop, update and delete (reference §5.7-§5.9), with each check in Portainer's order: the 409 of start
// comes before its "already active" 400, an update replaces the env wholesale and starts the stack, a failed
// compose update tears its containers down, delete answers 204.
import type { ServerResponse } from 'node:http';
import { ComposeError, readComposeFile } from './compose-file.ts';
import type { DeployQueue } from './deploys.ts';
import type { Engine } from './engine.ts';
import { environmentOr404 } from './environments.ts';
import { integerQuery, parseJsonObject, readBody, sendEmpty, sendError, sendJson, stringField } from './http-io.ts';
import type { RequestContext, Route } from './router.ts';
import { readEnv } from './stack-create.ts';
import { canAccessStack, checkCollision, endpointIdOr400, NOT_FOUND_DETAILS, sendDeployFailure, stackIdOr400, stackOr404, stackNamedOn } from './stack-access.ts';
import { publicStack, STACK_STATUS, STACK_TYPE } from './state.ts';
import type { FakeEnvironment, FakeStack, FakeState } from './state.ts';

export function createStackLifecycleRoutes(state: FakeState, engine: Engine, deploys: DeployQueue): Route[] {
  /** Id, stack, Kubernetes refusal, endpointId, environment and access, in the order start and stop check them. */
  function target(ctx: RequestContext, verb: 'Starting' | 'Stopping', envNoun: string): { stack: FakeStack; env: FakeEnvironment } | null {
    const { res, params, query, user } = ctx;
    const id = stackIdOr400(res, params.id);
    const stack = id === null ? null : stackOr404(state, res, id);
    if (!stack) return null;
    if (stack.Type === STACK_TYPE.kubernetes) {
      sendError(res, 400, `${verb} a kubernetes stack is not supported`);
      return null;
    }
    const envId = endpointIdOr400(res, query);
    const env = envId === null ? null : environmentOr404(state, res, user!, envId, envNoun);
    return env ? { stack, env } : null;
  }

  function runStack(stack: FakeStack, env: FakeEnvironment, changed: boolean): void {
    const compose = readComposeFile(stack.file, stack.Env);
    if (stack.Type === STACK_TYPE.swarm) engine.stackDeploy(env.Id, stack.Name, compose);
    else engine.composeUp(env.Id, stack.Name, stack.Id, compose, changed);
  }

  function stopStack(stack: FakeStack, envId: number): void {
    if (stack.Type === STACK_TYPE.swarm) engine.stackRm(envId, stack.Name);
    else engine.composeDown(envId, stack.Name);
  }

  function denied(res: ServerResponse, ctx: RequestContext, stack: FakeStack): boolean {
    if (canAccessStack(ctx.user!, stack)) return false;
    sendError(res, 403, 'Access denied to resource');
    return true;
  }

  const start: Route = {
    method: 'POST',
    pattern: '/api/stacks/:id/start',
    handle(ctx) {
      const found = target(ctx, 'Starting', 'an endpoint');
      if (!found) return;
      const { stack, env } = found;
      const { res } = ctx;
      const collision = checkCollision(state, engine, env, stack.Name, stack.Type, stack.Id);
      if (collision.kind === 'error') return sendError(res, 500, 'Unable to check for name collision', collision.details);
      if (collision.kind === 'taken') return sendError(res, 409, `A stack with the name '${stack.Name}' is already running`);
      if (denied(res, ctx, stack)) return;
      if (stack.Status === STACK_STATUS.active) return sendError(res, 400, 'Stack is already active');
      try {
        runStack(stack, env, true);
      } catch (err) {
        if (!(err instanceof ComposeError)) throw err;
        return sendError(res, 500, 'Unable to start stack', err.message);
      }
      stack.Status = STACK_STATUS.active;
      sendJson(res, 200, publicStack(stack));
    },
  };

  const stop: Route = {
    method: 'POST',
    pattern: '/api/stacks/:id/stop',
    handle(ctx) {
      const found = target(ctx, 'Stopping', 'an environment');
      if (!found) return;
      const { stack, env } = found;
      if (denied(ctx.res, ctx, stack)) return;
      if (stack.Status === STACK_STATUS.inactive) return sendError(ctx.res, 400, 'Stack is already inactive');
      stopStack(stack, env.Id);
      stack.Status = STACK_STATUS.inactive;
      sendJson(ctx.res, 200, publicStack(stack));
    },
  };

  const update: Route = {
    method: 'PUT',
    pattern: '/api/stacks/:id',
    async handle(ctx) {
      const { req, res, params, query, user } = ctx;
      const raw = await readBody(req);
      const id = stackIdOr400(res, params.id);
      if (id === null) return;
      const envId = endpointIdOr400(res, query);
      if (envId === null) return;
      const stack = stackOr404(state, res, id);
      if (!stack) return;
      const env = environmentOr404(state, res, user!, envId, 'the environment associated to the stack');
      if (!env || denied(res, ctx, stack)) return;
      const body = parseJsonObject(raw);
      const file = body ? stringField(body, 'stackFileContent') : '';
      if (!file) return sendError(res, 400, 'Invalid request payload', 'Invalid stack file content');
      const stackEnv = readEnv(body!);
      if (stackEnv === 'invalid') return sendError(res, 400, 'Invalid request payload', 'Invalid environment variable');
      const changed = file !== stack.file || JSON.stringify(stackEnv) !== JSON.stringify(stack.Env) || stack.Status !== STACK_STATUS.active;
      const previous = { file: stack.file, Env: stack.Env };
      try {
        await deploys.run(() => {
          if (stack.Type === STACK_TYPE.kubernetes) return;
          Object.assign(stack, { file, Env: stackEnv });
          runStack(stack, env, changed);
        });
      } catch (err) {
        if (!(err instanceof ComposeError)) throw err;
        Object.assign(stack, previous);
        if (stack.Type === STACK_TYPE.compose) engine.composeDown(env.Id, stack.Name);
        return sendDeployFailure(res, err.message);
      }
      // A different endpointId moves the stack (a compatibility workaround in Portainer).
      Object.assign(stack, { file, Env: stackEnv, EndpointId: env.Id, Status: STACK_STATUS.active });
      Object.assign(stack, { UpdateDate: Math.floor(Date.now() / 1000), UpdatedBy: user!.username });
      sendJson(res, 200, publicStack(stack));
    },
  };

  const remove: Route = {
    method: 'DELETE',
    pattern: '/api/stacks/:id',
    handle(ctx) {
      const { res, params, query, user } = ctx;
      if (query.get('external') === 'true') return removeExternal(ctx);
      const id = stackIdOr400(res, params.id);
      const stack = id === null ? null : stackOr404(state, res, id);
      if (!stack) return;
      const envId = integerQuery(query, 'endpointId');
      if (envId === 'invalid') return void endpointIdOr400(res, query);
      const env = envId === 'missing' ? undefined : state.environments.get(envId);
      if (!env) {
        if (user!.role !== 1) return sendError(res, 403, 'Permission denied to remove orphaned stack');
        return sendError(res, 404, 'Unable to find the endpoint associated to the stack inside the database', NOT_FOUND_DETAILS);
      }
      if (!environmentOr404(state, res, user!, env.Id) || denied(res, ctx, stack)) return;
      stopStack(stack, env.Id);
      state.stacks.delete(stack.Id);
      sendEmpty(res, 204);
    },
  };

  /** `external=true`: `{id}` is the name of a swarm stack Portainer does not manage. */
  function removeExternal(ctx: RequestContext): void {
    const { res, params, query, user } = ctx;
    if (user!.role !== 1) return sendError(res, 401, 'Permission denied to delete the stack');
    const envId = endpointIdOr400(res, query);
    const env = envId === null ? null : environmentOr404(state, res, user!, envId);
    if (!env) return;
    if (stackNamedOn(state, env.Id, params.id!)) return sendError(res, 400, 'A stack with this name exists inside the database, cannot use external delete method');
    engine.stackRm(env.Id, params.id!);
    sendEmpty(res, 204);
  }

  return [start, stop, update, remove];
}
