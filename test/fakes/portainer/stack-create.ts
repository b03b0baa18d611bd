// Stack creation from a string (reference §5.5, §5.6, §5.10), in Portainer's handler order. The name check runs
// before the deploy lock, so it is not atomic, as in Portainer: two simultaneous creates of one name both pass.
import { ComposeError, readComposeFile } from './compose-file.ts';
import type { DeployQueue } from './deploys.ts';
import type { Engine } from './engine.ts';
import { environmentOr404 } from './environments.ts';
import { field, parseJsonObject, readBody, sendError, sendJson, stringField } from './http-io.ts';
import type { Json } from './http-io.ts';
import type { RequestContext, Route } from './router.ts';
import { checkCollision, endpointIdOr400, normaliseStackName, projectNameProblem, sendDeployFailure } from './stack-access.ts';
import { isDockerType, publicStack, STACK_STATUS, STACK_TYPE } from './state.ts';
import type { EnvPair, FakeEnvironment, FakeStack, FakeState, FakeUser } from './state.ts';

const TYPES: Record<string, number> = { swarm: STACK_TYPE.swarm, standalone: STACK_TYPE.compose, kubernetes: STACK_TYPE.kubernetes };

/** `env` as Portainer decodes it: absent → null; entries need a name. */
export function readEnv(body: Json): EnvPair[] | null | 'invalid' {
  const raw = field(body, 'env');
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw)) return 'invalid';
  const pairs: EnvPair[] = [];
  for (const item of raw) {
    if (item === null || typeof item !== 'object') return 'invalid';
    const name = stringField(item as Json, 'name');
    if (!name) return 'invalid';
    pairs.push({ name, value: stringField(item as Json, 'value') });
  }
  return pairs;
}

export function createStackCreateRoutes(state: FakeState, engine: Engine, deploys: DeployQueue): Route[] {
  function newStack(user: FakeUser, env: FakeEnvironment, id: number, fields: Pick<FakeStack, 'Name' | 'Type' | 'SwarmId' | 'Env' | 'file' | 'Namespace'>): FakeStack {
    const admin = user.role === 1;
    return {
      ...fields,
      Id: id,
      EndpointId: env.Id,
      EntryPoint: 'docker-compose.yml',
      ResourceControl: {
        Id: state.nextResourceControlId++,
        ResourceId: `${env.Id}_${fields.Name}`,
        SubResourceIds: [],
        Type: 6,
        UserAccesses: admin ? [] : [{ UserId: user.id, AccessLevel: 1 }],
        TeamAccesses: [],
        Public: false,
        AdministratorsOnly: admin,
        System: false,
      },
      Status: STACK_STATUS.active,
      ProjectPath: `/data/compose/${id}`,
      CreationDate: Math.floor(Date.now() / 1000),
      CreatedBy: user.username,
      UpdateDate: 0,
      UpdatedBy: '',
      AdditionalFiles: null,
      AutoUpdate: null,
      Option: null,
      GitConfig: null,
      FromAppTemplate: false,
    };
  }

  /** Step 8: a taken name gives 409, except for a stale non-compose record here (dropped) or containers only (taken over). */
  function resolveCollision(env: FakeEnvironment, name: string, type: number): 'ok' | 'conflict' {
    const sameName = [...state.stacks.values()].filter((s) => s.Name === name);
    if (type === STACK_TYPE.swarm) return 'conflict';
    for (const stack of sameName) {
      if (stack.EndpointId === env.Id && stack.Type !== STACK_TYPE.compose) state.stacks.delete(stack.Id);
      else return 'conflict';
    }
    return 'ok';
  }

  async function createDocker(ctx: RequestContext, env: FakeEnvironment, type: number, body: Json): Promise<void> {
    const { res, user } = ctx;
    const rawName = stringField(body, 'name');
    const swarmId = stringField(body, 'swarmID');
    const file = stringField(body, 'stackFileContent');
    const stackEnv = readEnv(body);
    if (!rawName) return sendError(res, 400, 'Invalid request payload', 'Invalid stack name');
    if (type === STACK_TYPE.swarm && !swarmId) return sendError(res, 400, 'Invalid request payload', 'Invalid Swarm ID');
    if (!file) return sendError(res, 400, 'Invalid request payload', 'Invalid stack file content');
    if (stackEnv === 'invalid') return sendError(res, 400, 'Invalid request payload', 'Invalid environment variable');
    const name = normaliseStackName(rawName);
    const collision = checkCollision(state, engine, env, name, type);
    if (collision.kind === 'error') return sendError(res, 500, 'Unable to check for name collision', collision.details);
    if (collision.kind === 'taken' && resolveCollision(env, name, type) === 'conflict') {
      const message = `A stack with the normalized name '${name}' already exists`;
      return sendError(res, 409, message, message);
    }
    const id = state.nextStackId++;
    try {
      await deploys.run(() => {
        const problem = projectNameProblem(name);
        if (problem) throw new ComposeError(problem);
        const compose = readComposeFile(file, stackEnv);
        if (type === STACK_TYPE.swarm) engine.stackDeploy(env.Id, name, compose);
        else engine.composeUp(env.Id, name, id, compose, true);
      });
    } catch (err) {
      if (!(err instanceof ComposeError)) throw err;
      if (type === STACK_TYPE.compose) engine.composeDown(env.Id, name);
      return sendDeployFailure(res, err.message);
    }
    const stack = newStack(user!, env, id, { Name: name, Type: type, SwarmId: type === STACK_TYPE.swarm ? swarmId : '', Env: stackEnv, file, Namespace: '' });
    state.stacks.set(id, stack);
    sendJson(res, 200, publicStack(stack));
  }

  async function createKubernetes(ctx: RequestContext, env: FakeEnvironment, body: Json): Promise<void> {
    const { res, user } = ctx;
    const file = stringField(body, 'stackFileContent');
    if (!file) return sendError(res, 400, 'Invalid request payload', 'Invalid stack file content');
    if (env.Type < 5) return sendError(res, 400, 'Environment type does not match');
    const name = stringField(body, 'stackName');
    const namespace = stringField(body, 'namespace') || 'default';
    const id = state.nextStackId++;
    await deploys.run(() => undefined);
    state.stacks.set(id, newStack(user!, env, id, { Name: name, Type: STACK_TYPE.kubernetes, SwarmId: '', Env: null, file, Namespace: namespace }));
    sendJson(res, 200, { Output: `deployment.apps/${name || 'app'} created\n` });
  }

  const create: Route = {
    method: 'POST',
    pattern: '/api/stacks/create/:type/:method',
    async handle(ctx) {
      const { req, res, params, query, user } = ctx;
      const raw = await readBody(req);
      const envId = endpointIdOr400(res, query);
      if (envId === null) return;
      const env = environmentOr404(state, res, user!, envId);
      if (!env) return;
      const type = TYPES[params.type!];
      if (type === undefined) return sendError(res, 400, 'Invalid value for query parameter: type. Value must be one of: swarm, standalone or kubernetes');
      if (params.method !== 'string') return sendError(res, 400, 'Invalid value for query parameter: method. The fake only implements: string');
      const body = parseJsonObject(raw);
      if (!body) return sendError(res, 400, 'Invalid request payload', 'Invalid stack name');
      if (type === STACK_TYPE.kubernetes) return createKubernetes(ctx, env, body);
      if (!isDockerType(env.Type)) return sendError(res, 400, 'Environment type does not match');
      return createDocker(ctx, env, type, body);
    },
  };

  return [create];
}
