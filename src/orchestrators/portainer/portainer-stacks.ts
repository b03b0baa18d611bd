// Portainer's stack and Docker-proxy calls the driver makes (reference §5, §7), each with the details that trip
// clients up: endpointId always sent, list filters that hide stack types, create answering 200, the statuses
// start/stop use for "already so", delete keeping named volumes.
import type { EnvironmentMode } from './environments.ts';
import { json } from './portainer-client.ts';
import type { PortainerClient } from './portainer-client.ts';
import { describeErrorBody, PortainerError } from './portainer-errors.ts';
import { STACK_TYPE } from './portainer-types.ts';
import type { ContainerSummary, EnvPair, PortainerStack, SwarmService, SwarmTask } from './portainer-types.ts';
import { isOurs } from './stack-identity.ts';

export interface StackContent {
  file: string;
  env: EnvPair[];
}

function filters(value: unknown): string {
  return JSON.stringify(value);
}

export function createStackApi(client: PortainerClient, deployTimeoutMs: number) {
  const long = { timeoutMs: deployTimeoutMs };

  /** Stacks of the environment. `EndpointID` alone hides swarm stacks, so a swarm environment adds its `SwarmID`. */
  async function list(env: string, mode: EnvironmentMode): Promise<PortainerStack[]> {
    const filter = mode.kind === 'swarm' ? { EndpointID: Number(env), SwarmID: mode.swarmId } : { EndpointID: Number(env) };
    const reply = await client.request({ method: 'GET', path: '/api/stacks', query: { filters: filters(filter) }, circuit: env });
    return json<PortainerStack[]>(reply).filter((s) => s.EndpointId === Number(env));
  }

  return {
    /** The stack with this (normalised) name on the environment; ours first if Portainer let a duplicate in. */
    async find(env: string, mode: EnvironmentMode, name: string): Promise<PortainerStack | null> {
      const named = (await list(env, mode)).filter((s) => s.Name === name);
      return named.find(isOurs) ?? named[0] ?? null;
    },

    /** Every stack, unfiltered: to explain a 409 whose stack the filtered list does not show. */
    async listAll(env: string): Promise<PortainerStack[]> {
      return json<PortainerStack[]>(await client.request({ method: 'GET', path: '/api/stacks', circuit: env }));
    },

    /** 200 with the stack, or 409 handed back: the caller decides between adopting and failing. */
    async create(env: string, mode: EnvironmentMode, name: string, content: StackContent): Promise<PortainerStack | { conflict: string }> {
      const body =
        mode.kind === 'swarm'
          ? { name, swarmID: mode.swarmId, stackFileContent: content.file, env: content.env }
          : { name, stackFileContent: content.file, env: content.env };
      const path = `/api/stacks/create/${mode.kind === 'swarm' ? 'swarm' : 'standalone'}/string`;
      const reply = await client.request({ method: 'POST', path, query: { endpointId: env }, body, accept: [409], circuit: env, ...long });
      return reply.status === 409 ? { conflict: describeErrorBody(reply.body) } : json<PortainerStack>(reply);
    },

    /** The full file and the full env (a missing env would wipe it); also starts a stopped stack. */
    async update(env: string, stack: PortainerStack, content: StackContent): Promise<void> {
      const swarm = stack.Type === STACK_TYPE.swarm;
      await client.request({
        method: 'PUT',
        path: `/api/stacks/${stack.Id}`,
        query: { endpointId: env },
        body: { stackFileContent: content.file, env: content.env, pullImage: false, ...(swarm ? { prune: true } : {}) },
        circuit: env,
        ...long,
      });
    },

    async file(env: string, stack: PortainerStack): Promise<string> {
      const reply = await client.request({ method: 'GET', path: `/api/stacks/${stack.Id}/file`, circuit: env });
      return json<{ StackFileContent: string }>(reply).StackFileContent;
    },

    /** 409 means its containers already run; 400 "already active" that Portainer thinks so but they are gone. */
    async start(env: string, stack: PortainerStack): Promise<'started' | 'running' | 'active-without-containers'> {
      const reply = await client.request({ method: 'POST', path: `/api/stacks/${stack.Id}/start`, query: { endpointId: env }, accept: [400, 409], circuit: env, ...long });
      if (reply.status === 409) return 'running';
      if (reply.status === 400) {
        const said = describeErrorBody(reply.body);
        if (/already active/i.test(said)) return 'active-without-containers';
        throw new PortainerError(`Portainer POST /api/stacks/${stack.Id}/start: 400 ${said}`, { status: 400, kind: 'http', transient: false });
      }
      return 'started';
    },

    async stop(env: string, stack: PortainerStack): Promise<void> {
      const reply = await client.request({ method: 'POST', path: `/api/stacks/${stack.Id}/stop`, query: { endpointId: env }, accept: [400], circuit: env, ...long });
      const said = describeErrorBody(reply.body);
      if (reply.status === 400 && !/already inactive/i.test(said)) {
        throw new PortainerError(`Portainer POST /api/stacks/${stack.Id}/stop: 400 ${said}`, { status: 400, kind: 'http', transient: false });
      }
    },

    /** 404: already deleted. */
    async delete(env: string, stack: PortainerStack): Promise<void> {
      await client.request({ method: 'DELETE', path: `/api/stacks/${stack.Id}`, query: { endpointId: env }, accept: [404], circuit: env, ...long });
    },

    /** Containers (all states) carrying `label` (`key` or `key=value`). */
    async containers(env: string, label: string): Promise<ContainerSummary[]> {
      const reply = await client.request({ method: 'GET', path: `/api/endpoints/${env}/docker/containers/json`, query: { all: 1, filters: filters({ label: [label] }) }, circuit: env });
      return json<ContainerSummary[]>(reply);
    },

    /** Swarm services and their tasks carrying `label`; the task filter matches the *service's* labels. */
    async swarm(env: string, label: string): Promise<{ services: SwarmService[]; tasks: SwarmTask[] }> {
      const query = { filters: filters({ label: [label] }) };
      const [services, tasks] = await Promise.all([
        client.request({ method: 'GET', path: `/api/endpoints/${env}/docker/services`, query, circuit: env }),
        client.request({ method: 'GET', path: `/api/endpoints/${env}/docker/tasks`, query, circuit: env }),
      ]);
      return { services: json<SwarmService[]>(services), tasks: json<SwarmTask[]>(tasks) };
    },

    /** Framed log bytes of a container or a swarm service. */
    async logs(env: string, target: { container: string } | { service: string }, tail: number): Promise<Buffer> {
      const path = 'container' in target ? `/api/endpoints/${env}/docker/containers/${target.container}/logs` : `/api/endpoints/${env}/docker/services/${target.service}/logs`;
      const reply = await client.request({ method: 'GET', path, query: { stdout: 1, stderr: 1, tail, timestamps: 1 }, circuit: env });
      return reply.body;
    },

    async volumes(env: string, label: string): Promise<{ Name: string; Labels: Record<string, string> | null }[]> {
      const reply = await client.request({ method: 'GET', path: `/api/endpoints/${env}/docker/volumes`, query: { filters: filters({ label: [label] }) }, circuit: env });
      return json<{ Volumes: { Name: string; Labels: Record<string, string> | null }[] | null }>(reply).Volumes ?? [];
    },

    /** 404: already gone. 409 (still in use while containers are being removed) is thrown as transient. */
    async removeVolume(env: string, name: string): Promise<void> {
      const reply = await client.request({ method: 'DELETE', path: `/api/endpoints/${env}/docker/volumes/${encodeURIComponent(name)}`, accept: [404, 409], circuit: env });
      if (reply.status === 409) {
        throw new PortainerError(`Portainer environment ${env}: volume ${name} still in use: ${describeErrorBody(reply.body)}`, { status: 409, kind: 'http', transient: true });
      }
    },
  };
}

export type StackApi = ReturnType<typeof createStackApi>;
