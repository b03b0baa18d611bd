// Which kind of Docker each configured environment is. There is no Swarm type in Portainer (reference §4.1):
// `/docker/swarm` answers the cluster (whose ID swarm stacks need) on a manager, and 503 elsewhere.
// The answer is cached for `ttlMs`, so a deploy costs that call only once in a while.
import { OrchestratorError } from '../../provisioning/orchestrator.ts';
import { describeErrorBody } from './portainer-errors.ts';
import { json } from './portainer-client.ts';
import type { PortainerClient } from './portainer-client.ts';
import type { PortainerEndpoint } from './portainer-types.ts';

export type EnvironmentMode = { kind: 'standalone' } | { kind: 'swarm'; swarmId: string };

export interface EnvironmentReport {
  id: string;
  name: string | null;
  /** Portainer's environment type, in words: `Docker`, `Agent`, `Edge Agent`, `Kubernetes`… */
  type: string;
  mode: 'standalone' | 'swarm' | 'unsupported' | 'unknown';
  status: 'up' | 'down' | 'not found';
  swarmId: string | null;
  /** Why the driver cannot use it, when it cannot. */
  problem: string | null;
}

const TYPE_NAMES: Record<number, string> = {
  1: 'Docker',
  2: 'Agent',
  3: 'Azure ACI',
  4: 'Edge Agent',
  5: 'Kubernetes (local)',
  6: 'Kubernetes agent',
  7: 'Kubernetes Edge agent',
};
const DOCKER_TYPES = new Set([1, 2, 4]);

export function createEnvironmentModes(client: PortainerClient, ttlMs: number) {
  const cache = new Map<string, { mode: EnvironmentMode; until: number }>();

  async function detect(env: string): Promise<EnvironmentMode> {
    const reply = await client.request({ method: 'GET', path: `/api/endpoints/${env}/docker/swarm`, accept: [503], circuit: env });
    if (reply.status === 200) return { kind: 'swarm', swarmId: json<{ ID: string }>(reply).ID };
    const said = describeErrorBody(reply.body);
    if (/swarm/i.test(said)) return { kind: 'standalone' };
    throw new OrchestratorError(`Portainer environment ${env}: cannot tell standalone from swarm (503 ${said})`, { transient: true });
  }

  async function mode(env: string): Promise<EnvironmentMode> {
    const cached = cache.get(env);
    if (cached && cached.until > Date.now()) return cached.mode;
    const detected = await detect(env);
    cache.set(env, { mode: detected, until: Date.now() + ttlMs });
    return detected;
  }

  /** What `erpbtp config check` shows: every configured environment as Portainer sees it. */
  async function describe(configured: string[]): Promise<EnvironmentReport[]> {
    const reply = await client.request({ method: 'GET', path: '/api/endpoints', circuit: 'instance' });
    const endpoints = new Map(json<PortainerEndpoint[]>(reply).map((e) => [String(e.Id), e]));
    const reports: EnvironmentReport[] = [];
    for (const id of configured) {
      const endpoint = endpoints.get(id);
      if (!endpoint) {
        reports.push({ id, name: null, type: 'unknown', mode: 'unknown', status: 'not found', swarmId: null, problem: 'no such environment, or the credentials do not give access to it' });
        continue;
      }
      const report: EnvironmentReport = {
        id,
        name: endpoint.Name,
        type: TYPE_NAMES[endpoint.Type] ?? `type ${endpoint.Type}`,
        mode: 'unknown',
        status: endpoint.Status === 1 ? 'up' : 'down',
        swarmId: null,
        problem: null,
      };
      if (!DOCKER_TYPES.has(endpoint.Type)) {
        reports.push({ ...report, mode: 'unsupported', problem: 'only Docker environments (standalone or swarm) can run stacks' });
        continue;
      }
      try {
        cache.delete(id);
        const detected = await mode(id);
        reports.push({ ...report, mode: detected.kind, swarmId: detected.kind === 'swarm' ? detected.swarmId : null });
      } catch (err) {
        reports.push({ ...report, problem: (err as Error).message });
      }
    }
    return reports;
  }

  return { mode, describe };
}

export type EnvironmentModes = ReturnType<typeof createEnvironmentModes>;
