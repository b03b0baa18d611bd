// Helpers for the Portainer driver's tests: a fake Portainer and a driver pointed at it, stack specs with
// recognisable secrets, and a retry loop standing in for the saga's backoff on transient errors.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { OrchestratorError } from '../../../../src/provisioning/orchestrator.ts';
import type { StackSpec } from '../../../../src/provisioning/orchestrator.ts';
import { createPortainerOrchestrator } from '../../../../src/orchestrators/portainer/portainer-orchestrator.ts';
import type { PortainerOrchestrator, PortainerOrchestratorOptions } from '../../../../src/orchestrators/portainer/portainer-orchestrator.ts';
import { startFakePortainer } from '../../../fakes/portainer/fake-portainer.ts';
import type { FakePortainer, FakePortainerOptions } from '../../../fakes/portainer/fake-portainer.ts';
import { captureLogger } from '../../../helpers/logs.ts';
import type { CapturedLogger } from '../../../helpers/logs.ts';

type After = { after: (fn: () => Promise<void> | void) => void };

export const STANDALONE = '1';
export const SWARM = '2';

export interface Setup {
  fake: FakePortainer;
  orchestrator: PortainerOrchestrator;
  logs: CapturedLogger;
  /** Another driver on the same fake (another worker process, or the platform after a restart). */
  another(options?: Partial<PortainerOrchestratorOptions>): PortainerOrchestrator;
}

/** Fast timeouts and breaker for tests; each test tunes what it exercises. */
export async function setup(t: After, driver: Partial<PortainerOrchestratorOptions> = {}, fakeOptions: FakePortainerOptions = {}): Promise<Setup> {
  const fake = await startFakePortainer(fakeOptions);
  const logs = captureLogger('debug');
  const created: PortainerOrchestrator[] = [];
  const another = (more: Partial<PortainerOrchestratorOptions> = {}) => {
    const orchestrator = createPortainerOrchestrator({
      url: fake.url,
      apiKey: fake.apiKey,
      environments: [STANDALONE, SWARM],
      log: logs.log,
      requestTimeoutMs: 5_000,
      deployTimeoutMs: 10_000,
      loginIntervalMs: 10,
      circuitBreaker: { failureThreshold: 5, cooldownMs: 100 },
      ...driver,
      ...more,
    });
    created.push(orchestrator);
    return orchestrator;
  };
  const orchestrator = another();
  t.after(async () => {
    for (const o of created) await o.close();
    await fake.close();
  });
  return { fake, orchestrator, logs, another };
}

export function uniqueName(prefix = 'pt'): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

export function stackSpec(name: string, environment: string, port: number | null, variables: Record<string, string> = {}): StackSpec {
  const tag = randomBytes(4).toString('hex');
  return {
    name,
    environment,
    port,
    variables: {
      POSTGRES_PASSWORD: `pgpw-${tag}`,
      SECRET_KEY: `secretkey-${tag}-${'s'.repeat(24)}`,
      INITIAL_USERNAME: 'marie',
      INITIAL_PASSWORD: `InitPw-${tag}`,
      TENANT_TOKEN: `tt-${tag}`,
      CLIENT_ID: '17',
      CLIENT_NAME: 'Charpente Martin & Fils "$HOME"',
      CLIENT_NUMBER: 'C000017',
      APP_PORT: String(port ?? 8080),
      APP_URL: port === null ? `https://${name}.erp-btp.test` : `http://127.0.0.1:${port}`,
      PLATFORM_URL: 'http://127.0.0.1:9',
      PLAN: 'essai',
      QUOTA_USERS: '3',
      QUOTA_PROJECTS: '10',
      QUOTA_STORAGE_GB: '1',
      CPU_LIMIT: '0.5',
      MEMORY_LIMIT_MB: '512',
      ...variables,
    },
  };
}

/** The saga's part: transient failures are retried with backoff until `timeoutMs`; permanent ones are thrown. */
export async function retryTransient<T>(fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 20;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof OrchestratorError) || !err.transient || Date.now() > deadline) throw err;
      await sleep(delay);
      delay = Math.min(delay * 2, 250);
    }
  }
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Calls of one route, e.g. `POST /api/stacks/create/:type/:method`. */
export function calls(fake: FakePortainer, route: string): number {
  return fake.calls().filter((c) => c.route === route).length;
}

export const ROUTES = {
  create: 'POST /api/stacks/create/:type/:method',
  update: 'PUT /api/stacks/:id',
  list: 'GET /api/stacks',
  login: 'POST /api/auth',
  containers: 'GET /api/endpoints/:id/docker/containers/json',
  tasks: 'GET /api/endpoints/:id/docker/tasks',
  services: 'GET /api/endpoints/:id/docker/services',
  swarm: 'GET /api/endpoints/:id/docker/swarm',
} as const;
