// The Portainer orchestrator (DESIGN §7, issue 4): each tenant stack is a Portainer stack, standalone Compose or
// Swarm depending on the environment, marked as ours (ERPBTP_STACK in its env, erpbtp.stack on its containers).
// Health comes from the Docker proxy, one listing per environment whatever the number of stacks, never from the
// Stack's Status. See ../../../../shared/reference/portainer-api.md for the behaviours this relies on.
import type { Logger } from 'pino';
import { OrchestratorError } from '../../provisioning/orchestrator.ts';
import type { Orchestrator, StackSpec, StackStatus } from '../../provisioning/orchestrator.ts';
import { loadStackTemplate, renderComposeFile } from './compose-template.ts';
import { demultiplex, mergeTail, timestampedLines } from './docker-logs.ts';
import { createEnvironmentModes } from './environments.ts';
import type { EnvironmentMode, EnvironmentReport } from './environments.ts';
import { createHttpTransport } from './http-transport.ts';
import { createPortainerAuth } from './portainer-auth.ts';
import type { Credentials } from './portainer-auth.ts';
import { createPortainerClient } from './portainer-client.ts';
import { createStackApi } from './portainer-stacks.ts';
import { assertLabelled, assertStackName, isOurs, STACK_LABEL } from './stack-identity.ts';
import { createStackDeployer } from './stack-deploy.ts';
import { missingStack, stacksFromContainers, stacksFromTasks } from './stack-health.ts';
import { removeStackVolumes } from './stack-volumes.ts';

export interface PortainerOrchestratorOptions {
  /** PORTAINER_URL, e.g. `https://portainer.example.com:9443`. */
  url: string;
  /** PORTAINER_API_KEY (preferred), or PORTAINER_USERNAME + PORTAINER_PASSWORD. */
  apiKey?: string;
  username?: string;
  password?: string;
  /** PORTAINER_ENDPOINT_ID: the Portainer environment ids stacks may be placed in. */
  environments: string[];
  /** PORTAINER_INSECURE_TLS: accept Portainer's self-signed certificate (logged as a warning). */
  insecureTls?: boolean;
  /** STACK_TEMPLATE: path of the stack template (default: templates/erp-btp.compose.yml). */
  templatePath?: string;
  /** The template's content itself, instead of reading templatePath. */
  template?: string;
  /** TENANT_URL_TEMPLATE, e.g. `https://{name}.erp-btp.fr`: domain mode (Traefik labels, no published port). */
  domainTemplate?: string;
  log: Logger;
  /** Ordinary calls (default 30 s). */
  requestTimeoutMs?: number;
  /** Create, update, start, stop, delete: they wait for compose or docker stack (default 10 min). */
  deployTimeoutMs?: number;
  /** Minimum time between two logins (default 5 s). */
  loginIntervalMs?: number;
  /** Per environment: failures in a row that open the circuit, and how long it stays open (default 5, 30 s). */
  circuitBreaker?: { failureThreshold: number; cooldownMs: number };
  /** How long an environment's standalone/swarm detection is reused (default 5 min). */
  environmentCacheMs?: number;
  /** After a create got no answer, how long to wait for it to appear before creating again (default: deployTimeoutMs). */
  unansweredCreateGraceMs?: number;
}

export interface PortainerOrchestrator extends Orchestrator {
  readonly kind: 'portainer';
  /** Each configured environment as Portainer sees it (type, standalone or swarm, status), for `erpbtp config check`. */
  describeEnvironments(): Promise<EnvironmentReport[]>;
}

export function createPortainerOrchestrator(options: PortainerOrchestratorOptions): PortainerOrchestrator {
  const credentials = checkOptions(options);
  const log = options.log.child({ component: 'portainer-orchestrator' });
  if (options.insecureTls) log.warn({ url: options.url }, 'PORTAINER_INSECURE_TLS: the Portainer TLS certificate is not verified');
  const template = options.template ?? loadStackTemplate(options.templatePath);
  const deployTimeoutMs = options.deployTimeoutMs ?? 600_000;
  const transport = createHttpTransport({ baseUrl: options.url, insecureTls: options.insecureTls === true });
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const auth = createPortainerAuth({ transport, credentials, loginIntervalMs: options.loginIntervalMs ?? 5_000, timeoutMs: requestTimeoutMs, log });
  const client = createPortainerClient({ transport, auth, requestTimeoutMs, log, breaker: options.circuitBreaker ?? { failureThreshold: 5, cooldownMs: 30_000 } });
  const modes = createEnvironmentModes(client, options.environmentCacheMs ?? 300_000);
  const stacks = createStackApi(client, deployTimeoutMs);
  const deployer = createStackDeployer({
    stacks,
    modes,
    log,
    unansweredCreateGraceMs: options.unansweredCreateGraceMs ?? deployTimeoutMs,
    render(spec, mode) {
      const file = renderComposeFile(template, spec, { domainTemplate: options.domainTemplate });
      assertLabelled(file, spec.name, mode.kind === 'swarm');
      return file;
    },
  });
  const locks = new Map<string, Promise<unknown>>();
  let closed = false;

  /** Operations on one stack run one at a time, in call order: never two creates of one name from this process. */
  function withLock<T>(env: string, name: string, fn: () => Promise<T>): Promise<T> {
    const key = `${env}/${name}`;
    const result = (locks.get(key) ?? Promise.resolve()).then(fn, fn);
    const tail = result.catch(() => undefined);
    locks.set(key, tail);
    void tail.then(() => {
      if (locks.get(key) === tail) locks.delete(key);
    });
    return result;
  }

  function assertEnvironment(env: string): void {
    if (closed) throw new OrchestratorError('portainer orchestrator: closed (platform shutting down)', { transient: true });
    if (!options.environments.includes(env)) {
      throw new OrchestratorError(`Portainer environment ${JSON.stringify(env)} is not configured (PORTAINER_ENDPOINT_ID: ${options.environments.join(', ')})`, { transient: false });
    }
  }

  function assertTarget(env: string, name: string): void {
    assertEnvironment(env);
    assertStackName(name);
  }

  /** Our stacks' state on one environment: one Docker-proxy listing (two on swarm: services and their tasks). */
  async function observe(env: string, mode: EnvironmentMode, label: string): Promise<Map<string, StackStatus>> {
    if (mode.kind === 'standalone') return stacksFromContainers(await stacks.containers(env, label));
    const { services, tasks } = await stacks.swarm(env, label);
    return stacksFromTasks(services, tasks);
  }

  async function ourStack(env: string, mode: EnvironmentMode, name: string) {
    const stack = await stacks.find(env, mode, name);
    if (stack && !isOurs(stack)) {
      throw new OrchestratorError(`Portainer environment ${env}: stack ${name} (id ${stack.Id}) was not created by ERP BTP Cloud; it is left untouched`, { transient: false });
    }
    return stack;
  }

  return {
    kind: 'portainer',

    environments: () => [...options.environments],

    async deploy(spec: StackSpec) {
      assertTarget(spec.environment, spec.name);
      return withLock(spec.environment, spec.name, () => deployer.deploy(spec, 'deploy'));
    },

    async update(spec: StackSpec) {
      assertTarget(spec.environment, spec.name);
      await withLock(spec.environment, spec.name, () => deployer.deploy(spec, 'update'));
    },

    async inspect(env, name) {
      assertTarget(env, name);
      const mode = await modes.mode(env);
      const observed = (await observe(env, mode, `${STACK_LABEL}=${name}`)).get(name);
      if (observed) return observed;
      // No container: stopped (compose down removes them), torn down by a failed update, or no stack at all.
      const stack = await stacks.find(env, mode, name);
      return stack && isOurs(stack) ? { name, state: 'exited', containers: [] } : missingStack(name);
    },

    async inspectAll(env) {
      assertEnvironment(env);
      return observe(env, await modes.mode(env), STACK_LABEL);
    },

    async stop(env, name) {
      assertTarget(env, name);
      return withLock(env, name, async () => {
        const stack = await ourStack(env, await modes.mode(env), name);
        if (stack) await stacks.stop(env, stack);
      });
    },

    async start(env, name) {
      assertTarget(env, name);
      return withLock(env, name, async () => {
        const stack = await ourStack(env, await modes.mode(env), name);
        if (!stack) throw new OrchestratorError(`Portainer environment ${env} has no stack ${name} to start`, { transient: false });
        if ((await stacks.start(env, stack)) !== 'active-without-containers') return;
        // Portainer thinks it runs, yet its containers are gone (e.g. a failed update): redeploy what it stores.
        log.warn({ stack: name, env }, 'stack active in Portainer without containers: redeploying it');
        await stacks.update(env, stack, { file: await stacks.file(env, stack), env: stack.Env ?? [] });
      });
    },

    async remove(env, name) {
      assertTarget(env, name);
      return withLock(env, name, async () => {
        const mode = await modes.mode(env);
        const stack = await ourStack(env, mode, name);
        if (stack) await stacks.delete(env, stack);
        await removeStackVolumes(stacks, env, mode, name, stack !== null);
        log.info({ stack: name, env }, 'stack removed with its volumes');
      });
    },

    async logs(env, name, logOptions = {}) {
      assertTarget(env, name);
      const tail = Math.max(0, Math.floor(logOptions.tail ?? 200));
      const mode = await modes.mode(env);
      const label = `${STACK_LABEL}=${name}`;
      const sources =
        mode.kind === 'standalone'
          ? (await stacks.containers(env, label)).map((c) => ({ target: { container: c.Id }, source: c.Labels?.['com.docker.compose.service'] ?? c.Names[0]?.replace(/^\//, '') ?? c.Id }))
          : (await stacks.swarm(env, label)).services.map((s) => ({ target: { service: s.ID }, source: s.Spec.Name }));
      const lines = await Promise.all(sources.map(async ({ target, source }) => timestampedLines(demultiplex(await stacks.logs(env, target, tail)), source)));
      return mergeTail(lines.flat(), tail);
    },

    describeEnvironments: () => modes.describe(options.environments),

    async close() {
      closed = true;
      transport.close();
    },
  };
}

function checkOptions(options: PortainerOrchestratorOptions): Credentials {
  const invalid = (message: string) => new OrchestratorError(`portainer orchestrator: ${message}`, { transient: false });
  if (!URL.canParse(options.url) || !['http:', 'https:'].includes(new URL(options.url).protocol)) throw invalid(`PORTAINER_URL must be an http(s) URL`);
  if (options.environments.length === 0) throw invalid('PORTAINER_ENDPOINT_ID names no environment');
  for (const env of options.environments) if (!/^[1-9]\d*$/.test(env)) throw invalid(`environment id ${JSON.stringify(env)} is not a positive integer`);
  if (options.apiKey) return { apiKey: options.apiKey };
  if (options.username && options.password) return { username: options.username, password: options.password };
  throw invalid('set PORTAINER_API_KEY, or PORTAINER_USERNAME and PORTAINER_PASSWORD');
}
