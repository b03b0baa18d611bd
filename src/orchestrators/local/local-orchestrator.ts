// The local orchestrator (DESIGN §3, §7): each tenant stack is a supervised child process of the demo ERP
// (`tenant/main.js`) listening on its own port, with its own PostgreSQL role and database on the platform's
// server. See docs/decisions/0006-local-orchestrator.md.
//
// What survives this process: the role and database (PostgreSQL), `<dataDir>/tenants/<name>/` (log files and
// the pid file). What does not: the specs (they hold secrets, never written to disk) and the supervision state.
// After a platform restart, reconciliation calls deploy(spec) for every stack whose desired state is running;
// deploy first stops any tenant process a previous run left behind (pid file), so a stack never has two.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { access, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { OrchestratorError } from '../../provisioning/orchestrator.ts';
import type { Orchestrator, StackSpec, StackStatus } from '../../provisioning/orchestrator.ts';
import { identifyProcess, isAlive, isPortFree, readPidFile, removePidFile, terminate, writePidFile } from './processes.ts';
import { RotatingLog, rotatedPaths, tailFiles } from './rotating-log.ts';
import { createTenantDatabases, tenantDatabaseName } from './tenant-database.ts';
import type { TenantDatabases } from './tenant-database.ts';

export interface LocalOrchestratorOptions {
  /** The platform's database; its role may CREATE ROLE and CREATE DATABASE. Tenants get host and port from it. */
  databaseUrl: string;
  /** Tenant files go under `<dataDir>/tenants/<name>/`. */
  dataDir: string;
  /** The demo ERP's entry point; default `<repo>/tenant/main.js`. */
  tenantEntry?: string;
  log: Logger;
  /** Delay before restarting a crashed tenant: doubles from initialMs up to maxMs (default 500 ms → 30 s). */
  restartBackoff?: { initialMs: number; maxMs: number };
  /** Address tenants listen on (APP_HOST), default 127.0.0.1. */
  appHost?: string;
  /** Grace period between SIGTERM and SIGKILL (default 5 s). */
  stopTimeoutMs?: number;
  /** Tenant log files: size and count (default 10 MB × 3). */
  logFiles?: { maxBytes?: number; files?: number };
  /** Prefix of tenant database and role names: the platform instance's id (see tenantDatabaseName). */
  namespace?: string;
}

/** StackStatus plus the supervisor's counters. */
export interface LocalStackStatus extends StackStatus {
  pid: number | null;
  /** Restarts after a crash since the stack was loaded in this process. */
  restarts: number;
  lastExitCode: number | null;
  lastExitSignal: string | null;
}

export interface LocalOrchestrator extends Orchestrator {
  readonly kind: 'local';
  inspect(environment: string, name: string): Promise<LocalStackStatus>;
  inspectAll(environment: string): Promise<Map<string, LocalStackStatus>>;
}

export const LOCAL_ENVIRONMENT = 'local';
/** Set in every tenant's environment: identifies its process as this stack's in /proc/<pid>/environ. */
export const STACK_MARKER_VARIABLE = 'ERPBTP_LOCAL_STACK';
const DEFAULT_ENTRY = fileURLToPath(new URL('../../../tenant/main.js', import.meta.url));
const NAME = /^[a-z][a-z0-9-]{0,39}$/;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STARTING_MS = 1_000;
const STABLE_MS = 60_000;
/** EX_CONFIG: the tenant refuses its configuration; restarting it would loop. */
const EX_CONFIG = 78;
/** The only variables inherited from the platform: never its DATABASE_URL, master key or test-runner state. */
const INHERITED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

interface Stack {
  name: string;
  spec: StackSpec;
  fingerprint: string;
  dir: string;
  pidFile: string;
  log: RotatingLog;
  desired: 'running' | 'stopped';
  child: ChildProcess | null;
  childExited: Promise<void> | null;
  startedAt: number;
  stopping: boolean;
  restarts: number;
  lastExit: { code: number | null; signal: NodeJS.Signals | null } | null;
  backoffMs: number;
  restartTimer: NodeJS.Timeout | null;
  restartAt: number;
  /** Why a stack meant to run is not running and is not being restarted. */
  notRunningReason: string | null;
}

export function createLocalOrchestrator(options: LocalOrchestratorOptions): LocalOrchestrator {
  const log = options.log.child({ component: 'local-orchestrator' });
  const entry = path.resolve(options.tenantEntry ?? DEFAULT_ENTRY);
  const tenantsDir = path.join(path.resolve(options.dataDir), 'tenants');
  const backoff = options.restartBackoff ?? { initialMs: 500, maxMs: 30_000 };
  const appHost = options.appHost ?? '127.0.0.1';
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  const databases: TenantDatabases = createTenantDatabases(options.databaseUrl, options.namespace);
  const postgres = postgresAddress(options.databaseUrl);
  const nodeArgs = process.features.typescript ? [] : ['--experimental-strip-types'];
  const stacks = new Map<string, Stack>();
  const locks = new Map<string, Promise<unknown>>();
  let closed = false;

  /** Operations on one stack run one at a time, in call order. */
  function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = locks.get(name) ?? Promise.resolve();
    const result = previous.then(fn, fn);
    const tail = result.catch(() => undefined);
    locks.set(name, tail);
    void tail.then(() => {
      if (locks.get(name) === tail) locks.delete(name);
    });
    return result;
  }

  function assertOpen(): void {
    if (closed) throw new OrchestratorError('local orchestrator: closed (platform shutting down)', { transient: true });
  }

  function stackDir(name: string): string {
    return path.join(tenantsDir, name);
  }

  function loadStack(spec: StackSpec): Stack {
    let stack = stacks.get(spec.name);
    if (!stack) {
      const dir = stackDir(spec.name);
      stack = {
        name: spec.name,
        spec,
        fingerprint: fingerprint(spec),
        dir,
        pidFile: path.join(dir, 'pid'),
        log: new RotatingLog(path.join(dir, 'tenant.log'), {
          ...options.logFiles,
          onError: (err) => log.warn({ stack: spec.name, err: { message: err.message } }, 'tenant log file: write failed'),
        }),
        desired: 'stopped',
        child: null,
        childExited: null,
        startedAt: 0,
        stopping: false,
        restarts: 0,
        lastExit: null,
        backoffMs: backoff.initialMs,
        restartTimer: null,
        restartAt: 0,
        notRunningReason: null,
      };
      stacks.set(spec.name, stack);
    }
    return stack;
  }

  function environmentOf(stack: Stack): NodeJS.ProcessEnv {
    const { spec } = stack;
    const env: NodeJS.ProcessEnv = {};
    for (const key of INHERITED_ENV) if (process.env[key] !== undefined) env[key] = process.env[key];
    Object.assign(env, spec.variables);
    delete env.DATABASE_URL; // the tenant must use its own role, given field by field below
    const database = tenantDatabaseName(stack.name, options.namespace);
    Object.assign(env, {
      APP_PORT: String(spec.port),
      APP_HOST: appHost,
      POSTGRES_HOST: postgres.host,
      POSTGRES_PORT: postgres.port,
      POSTGRES_DB: database,
      POSTGRES_USER: database,
      POSTGRES_PASSWORD: spec.variables.POSTGRES_PASSWORD,
      [STACK_MARKER_VARIABLE]: stack.name,
    });
    return env;
  }

  function supervisorLine(stack: Stack, message: string): void {
    stack.log.write(`${JSON.stringify({ time: new Date().toISOString(), source: 'erpbtp-supervisor', msg: message })}\n`);
  }

  /** Spawns the tenant process; synchronous so that the pid file is written before anything else can happen. */
  function spawnChild(stack: Stack): ChildProcess {
    const args = [...nodeArgs, ...memoryArgs(stack.spec), entry];
    const child = spawn(process.execPath, args, {
      cwd: stack.dir,
      env: environmentOf(stack),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    stack.child = child;
    stack.startedAt = Date.now();
    stack.notRunningReason = null;
    let onExited: () => void = () => undefined;
    stack.childExited = new Promise<void>((resolve) => (onExited = resolve));
    child.stdout?.on('data', (chunk: Buffer) => stack.log.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stack.log.write(chunk));
    child.on('exit', (code, signal) => {
      onExited();
      handleExit(stack, child, code, signal);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) {
        log.debug({ stack: stack.name, err: { message: err.message, code: err.code } }, 'tenant process: channel error');
        return;
      }
      log.error({ stack: stack.name, err: { message: err.message, code: err.code } }, 'tenant process: spawn failed');
      onExited();
      handleExit(stack, child, null, null);
    });
    if (child.pid !== undefined) {
      try {
        writePidFile(stack.pidFile, child.pid);
      } catch (err) {
        log.warn({ stack: stack.name, err: { message: (err as Error).message } }, 'tenant process: cannot write pid file');
      }
      log.info({ stack: stack.name, port: stack.spec.port, pid: child.pid }, 'tenant process started');
      supervisorLine(stack, `process ${child.pid} started on port ${stack.spec.port}`);
    }
    return child;
  }

  function handleExit(stack: Stack, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (stack.child !== child) return;
    stack.child = null;
    if (child.pid !== undefined) removePidFile(stack.pidFile, child.pid);
    const uptime = Date.now() - stack.startedAt;
    stack.lastExit = { code, signal };
    const exit = describeExit(code, signal);
    if (stack.stopping || stack.desired !== 'running' || closed || stacks.get(stack.name) !== stack) {
      log.info({ stack: stack.name, pid: child.pid, code, signal }, 'tenant process stopped');
      supervisorLine(stack, `process ${child.pid ?? '?'} stopped (${exit})`);
      return;
    }
    if (code === EX_CONFIG) {
      stack.notRunningReason = `${exit}: configuration refused by the instance, not restarted`;
      log.error({ stack: stack.name, pid: child.pid, code }, 'tenant process refused its configuration; not restarting it');
      supervisorLine(stack, stack.notRunningReason);
      return;
    }
    if (uptime >= STABLE_MS) stack.backoffMs = backoff.initialMs;
    const delay = stack.backoffMs;
    stack.backoffMs = Math.min(stack.backoffMs * 2, backoff.maxMs);
    log.warn({ stack: stack.name, pid: child.pid, code, signal, uptimeMs: uptime, restartInMs: delay }, 'tenant process exited; restarting');
    supervisorLine(stack, `process ${child.pid ?? '?'} exited (${exit}); restarting in ${delay} ms`);
    stack.restartAt = Date.now() + delay;
    stack.restartTimer = setTimeout(() => {
      stack.restartTimer = null;
      if (closed || stack.desired !== 'running' || stack.child || stacks.get(stack.name) !== stack) return;
      stack.restarts++;
      try {
        spawnChild(stack);
      } catch (err) {
        stack.child = null;
        stack.notRunningReason = `restart failed: ${(err as Error).message}`;
        log.error({ stack: stack.name, err: { message: (err as Error).message } }, 'tenant process: restart failed');
      }
    }, delay);
  }

  function cancelRestart(stack: Stack): void {
    if (stack.restartTimer) clearTimeout(stack.restartTimer);
    stack.restartTimer = null;
  }

  /** SIGTERM, SIGKILL after the grace period; resolves once the process has exited. No restart follows. */
  async function stopChild(stack: Stack): Promise<void> {
    cancelRestart(stack);
    const child = stack.child;
    if (!child) return;
    stack.stopping = true;
    try {
      const exited = stack.childExited ?? Promise.resolve();
      child.kill('SIGTERM');
      if (!(await within(exited, stopTimeoutMs))) {
        log.warn({ stack: stack.name, pid: child.pid }, 'tenant process ignored SIGTERM; killing it');
        child.kill('SIGKILL');
        await within(exited, 5_000);
      }
    } finally {
      stack.stopping = false;
    }
  }

  /** A tenant process of this stack left by an earlier run of the platform (pid file) is stopped. */
  async function stopOrphan(name: string, port: number | null): Promise<void> {
    const pidFile = path.join(stackDir(name), 'pid');
    const pid = readPidFile(pidFile);
    if (pid === null) return;
    const own = stacks.get(name)?.child?.pid;
    if (pid === own || pid === process.pid) return;
    let identity = isAlive(pid) ? await identifyProcess(pid, entry, `${STACK_MARKER_VARIABLE}=${name}`) : 'gone';
    if (identity === 'unknown') {
      // /proc unreadable: alive and its port taken is the best evidence we have.
      identity = port !== null && !(await isPortFree(port, appHost).catch(() => true)) ? 'ours' : 'foreign';
    }
    if (identity === 'ours') {
      log.warn({ stack: name, pid }, 'stopping a tenant process left behind by a previous platform run');
      await terminate(pid, stopTimeoutMs);
    }
    removePidFile(pidFile, pid);
  }

  /** Starts the stack's process: stops an orphan, checks the port, spawns, waits for the spawn to succeed. */
  async function launch(stack: Stack): Promise<void> {
    cancelRestart(stack);
    stack.backoffMs = backoff.initialMs;
    const port = stack.spec.port as number;
    await stopOrphan(stack.name, port);
    for (const other of stacks.values()) {
      if (other !== stack && other.spec.port === port && (other.child || other.desired === 'running')) {
        stack.notRunningReason = `port ${port} is assigned to stack ${other.name}`;
        throw new OrchestratorError(`local orchestrator: port ${port} is already used by stack ${other.name}`, { transient: false });
      }
    }
    let free: boolean;
    try {
      free = await isPortFree(port, appHost);
    } catch (err) {
      throw new OrchestratorError(`local orchestrator: cannot use port ${port} on ${appHost}: ${(err as Error).message}`, {
        transient: false,
        cause: err,
      });
    }
    if (!free) {
      stack.notRunningReason = `port ${port} is busy`;
      // Transient: the holder is often short-lived (an outgoing connection given this port by the kernel when
      // the range overlaps the ephemeral one, a tenant still shutting down). A port held for good fails after the retries.
      throw new OrchestratorError(
        `local orchestrator: port ${port} on ${appHost} is already in use by another process; stack ${stack.name} cannot start on it`,
        { transient: true },
      );
    }
    await mkdir(stack.dir, { recursive: true, mode: 0o700 });
    assertOpen(); // close() may have run during the awaits above; from here to the spawn nothing yields
    const child = spawnChild(stack);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (err: NodeJS.ErrnoException) => {
        if (child.pid !== undefined) return;
        const transient = ['EAGAIN', 'EMFILE', 'ENFILE', 'ENOMEM'].includes(err.code ?? '');
        stack.notRunningReason = `spawn failed: ${err.message}`;
        reject(new OrchestratorError(`local orchestrator: cannot start stack ${stack.name}: ${err.message}`, { transient, cause: err }));
      });
    });
  }

  async function prepare(spec: StackSpec): Promise<void> {
    validateSpec(spec);
    assertOpen();
    try {
      await access(entry);
    } catch (err) {
      throw new OrchestratorError(`local orchestrator: tenant entry point not found: ${entry}`, { transient: false, cause: err });
    }
    await databases.ensure(spec.name, spec.variables.POSTGRES_PASSWORD as string);
    await mkdir(stackDir(spec.name), { recursive: true, mode: 0o700 });
  }

  function status(stack: Stack): LocalStackStatus {
    const now = Date.now();
    let state: LocalStackStatus['state'];
    let detail: string;
    const last = stack.lastExit ? describeExit(stack.lastExit.code, stack.lastExit.signal) : null;
    if (stack.child) {
      const up = now - stack.startedAt;
      state = stack.stopping ? 'running' : up < STARTING_MS ? 'starting' : 'running';
      detail = `${stack.stopping ? 'stopping, ' : ''}pid ${stack.child.pid ?? '?'}, up ${formatDuration(up)}`;
      if (stack.restarts > 0) detail += `, ${stack.restarts} restart${stack.restarts > 1 ? 's' : ''} (last: ${last ?? '?'})`;
    } else if (stack.restartTimer) {
      state = 'starting';
      detail = `${last ?? 'exited'}, restarting in ${formatDuration(Math.max(0, stack.restartAt - now))}`;
    } else if (stack.desired === 'running') {
      state = 'exited';
      detail = stack.notRunningReason ?? last ?? 'not running';
    } else {
      state = 'exited';
      detail = last ? `stopped (${last})` : 'stopped';
    }
    return {
      name: stack.name,
      state,
      containers: [{ name: `${stack.name}-app`, state, status: detail }],
      pid: stack.child?.pid ?? null,
      restarts: stack.restarts,
      lastExitCode: stack.lastExit?.code ?? null,
      lastExitSignal: stack.lastExit?.signal ?? null,
    };
  }

  /** A stack deployed by an earlier run but not (yet) redeployed by this one: its directory is the evidence. */
  function notLoadedStatus(name: string): LocalStackStatus {
    const detail = 'not started since the platform started';
    return {
      name,
      state: 'exited',
      containers: [{ name: `${name}-app`, state: 'exited', status: detail }],
      pid: null,
      restarts: 0,
      lastExitCode: null,
      lastExitSignal: null,
    };
  }

  function missingStatus(name: string): LocalStackStatus {
    return { name, state: 'missing', containers: [], pid: null, restarts: 0, lastExitCode: null, lastExitSignal: null };
  }

  function isOurs(environment: string, name: string): boolean {
    return environment === LOCAL_ENVIRONMENT && NAME.test(name);
  }

  function assertTarget(environment: string, name: string): void {
    if (environment !== LOCAL_ENVIRONMENT) {
      throw new OrchestratorError(`local orchestrator: unknown environment ${JSON.stringify(environment)} (only "local")`, { transient: false });
    }
    if (!NAME.test(name)) throw new OrchestratorError(`local orchestrator: invalid stack name ${JSON.stringify(name)}`, { transient: false });
  }

  return {
    kind: 'local',

    environments: () => [LOCAL_ENVIRONMENT],

    // A port our own stacks use is never offered (the allocation table): a listener is someone else's.
    portInUse: async (_environment, port) => !(await isPortFree(port, appHost).catch(() => true)),

    deploy(spec) {
      return withLock(spec.name, async () => {
        await prepare(spec);
        assertOpen();
        const existing = stacks.get(spec.name);
        const next = fingerprint(spec);
        if (existing?.child && existing.fingerprint === next && !existing.stopping) {
          existing.desired = 'running';
          log.debug({ stack: spec.name }, 'deploy: already running with this spec');
          return { externalId: spec.name };
        }
        if (existing?.child) {
          log.info({ stack: spec.name }, 'deploy: spec changed, restarting the tenant process');
          await stopChild(existing);
        }
        const stack = loadStack(spec);
        stack.spec = spec;
        stack.fingerprint = next;
        stack.desired = 'running';
        await launch(stack);
        return { externalId: spec.name };
      });
    },

    update(spec) {
      return withLock(spec.name, async () => {
        await prepare(spec); // sets the role's password to the spec's
        assertOpen();
        const known = stacks.get(spec.name);
        const stack = loadStack(spec);
        if (known && known.desired === 'stopped') {
          // Stopped on purpose (e.g. a suspended client): the new definition applies at the next start.
          stack.spec = spec;
          stack.fingerprint = fingerprint(spec);
          return;
        }
        await stopChild(stack);
        stack.spec = spec;
        stack.fingerprint = fingerprint(spec);
        stack.desired = 'running';
        await launch(stack);
      });
    },

    async inspect(environment, name) {
      if (!isOurs(environment, name)) return missingStatus(name);
      const stack = stacks.get(name);
      if (stack) return status(stack);
      return existsSync(stackDir(name)) ? notLoadedStatus(name) : missingStatus(name);
    },

    async inspectAll(environment) {
      const result = new Map<string, LocalStackStatus>();
      if (environment !== LOCAL_ENVIRONMENT) return result;
      for (const stack of stacks.values()) result.set(stack.name, status(stack));
      let entries: string[] = [];
      try {
        entries = await readdir(tenantsDir);
      } catch {
        // no tenant yet
      }
      for (const name of entries) if (NAME.test(name) && !result.has(name)) result.set(name, notLoadedStatus(name));
      return result;
    },

    async stop(environment, name) {
      assertTarget(environment, name);
      return withLock(name, async () => {
        const stack = stacks.get(name);
        if (stack) {
          stack.desired = 'stopped';
          await stopChild(stack);
        }
        await stopOrphan(name, stack?.spec.port ?? null);
      });
    },

    async start(environment, name) {
      assertTarget(environment, name);
      return withLock(name, async () => {
        assertOpen();
        const stack = stacks.get(name);
        if (!stack) {
          const reason = existsSync(stackDir(name))
            ? `stack ${name} has not been deployed since the platform started (its secrets are not kept on disk): deploy it again with its spec`
            : `unknown stack ${name}`;
          throw new OrchestratorError(`local orchestrator: ${reason}`, { transient: false });
        }
        stack.desired = 'running';
        if (stack.child && !stack.stopping) return;
        await stopChild(stack);
        await launch(stack);
      });
    },

    remove(environment, name) {
      if (!isOurs(environment, name)) return Promise.resolve(); // nothing of ours can exist there
      return withLock(name, async () => {
        const stack = stacks.get(name);
        if (stack) {
          stack.desired = 'stopped';
          await stopChild(stack);
          stacks.delete(name);
          await stack.log.close();
        }
        await stopOrphan(name, stack?.spec.port ?? null);
        await databases.drop(name);
        await rm(stackDir(name), { recursive: true, force: true });
        log.info({ stack: name }, 'stack removed (process, database, role, files)');
      });
    },

    async logs(environment, name, logOptions = {}) {
      if (!isOurs(environment, name)) return '';
      const tail = Math.max(0, Math.floor(logOptions.tail ?? 200));
      const stack = stacks.get(name);
      const paths = stack
        ? stack.log.paths()
        : rotatedPaths(path.join(stackDir(name), 'tenant.log'), options.logFiles?.files ?? 3);
      const lines = await tailFiles(paths, tail);
      return lines.join('\n');
    },

    async close() {
      if (closed) return;
      closed = true;
      const all = [...stacks.values()];
      for (const stack of all) cancelRestart(stack);
      await Promise.all(
        all.map(async (stack) => {
          await stopChild(stack).catch((err: unknown) =>
            log.error({ stack: stack.name, err: { message: (err as Error).message } }, 'stopping tenant process failed'),
          );
          await stack.log.close();
        }),
      );
      if (all.length > 0) log.info({ stacks: all.length }, 'local orchestrator closed: tenant processes stopped');
    },
  };
}

function validateSpec(spec: StackSpec): void {
  const invalid = (message: string) => new OrchestratorError(`local orchestrator: ${message}`, { transient: false });
  if (!NAME.test(spec.name)) throw invalid(`invalid stack name ${JSON.stringify(spec.name)}`);
  if (spec.environment !== LOCAL_ENVIRONMENT) throw invalid(`unknown environment ${JSON.stringify(spec.environment)} (only "local")`);
  if (spec.port === null || !Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535) {
    throw invalid(`stack ${spec.name} needs a port (the local orchestrator only runs in port mode)`);
  }
  const password = spec.variables.POSTGRES_PASSWORD;
  if (typeof password !== 'string' || password === '') throw invalid(`stack ${spec.name} has no POSTGRES_PASSWORD`);
  for (const [key, value] of Object.entries(spec.variables)) {
    if (!VARIABLE.test(key)) throw invalid(`invalid variable name ${JSON.stringify(key.slice(0, 60))}`);
    if (typeof value !== 'string' || value.includes('\0')) throw invalid(`variable ${key} must be a string without NUL`);
  }
}

/** Detects spec changes without keeping a second copy of the secrets around. */
function fingerprint(spec: StackSpec): string {
  const variables = Object.entries(spec.variables).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify([spec.port, variables])).digest('hex');
}

/** MEMORY_LIMIT_MB caps the V8 heap (the closest a plain process gets to a container's memory limit). */
function memoryArgs(spec: StackSpec): string[] {
  const limit = Number(spec.variables.MEMORY_LIMIT_MB);
  return Number.isInteger(limit) && limit > 0 ? [`--max-old-space-size=${Math.max(64, limit)}`] : [];
}

/** Host and port of the platform's PostgreSQL, for the tenants (a Unix socket directory works too). */
export function postgresAddress(databaseUrl: string): { host: string; port: string } {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch (err) {
    throw new OrchestratorError('local orchestrator: the platform database URL is invalid', { transient: false, cause: err });
  }
  const hostname = decodeURIComponent(url.hostname).replace(/^\[(.*)\]$/, '$1');
  return {
    host: hostname || url.searchParams.get('host') || 'localhost',
    port: url.port || url.searchParams.get('port') || '5432',
  };
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code ?? '?'}`;
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
