// Helpers for the local orchestrator's tests: real tenant processes on free ports, a platform database of
// their own, a tmp data directory, captured platform logs, and /proc-based process counting.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort } from '../../../../src/db/embedded-postgres.ts';
import { createLocalOrchestrator, STACK_MARKER_VARIABLE } from '../../../../src/orchestrators/local/local-orchestrator.ts';
import type { LocalOrchestrator, LocalOrchestratorOptions } from '../../../../src/orchestrators/local/local-orchestrator.ts';
import type { StackSpec } from '../../../../src/provisioning/orchestrator.ts';
import { createTestDatabase } from '../../../helpers/database.ts';
import { captureLogger } from '../../../helpers/logs.ts';
import type { CapturedLogger } from '../../../helpers/logs.ts';

export { freePort };

export const INITIAL_USERNAME = 'marie.martin';

type After = { after: (fn: () => Promise<void> | void) => void };

/** A stack name unique across test files and runs (roles are cluster-wide). */
export function uniqueName(prefix = 'lt'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Fresh secrets per stack, recognisable so that a leak is easy to spot. */
export function secretsFor(name: string): Record<'POSTGRES_PASSWORD' | 'SECRET_KEY' | 'INITIAL_PASSWORD' | 'TENANT_TOKEN', string> {
  const tag = randomBytes(6).toString('hex');
  return {
    POSTGRES_PASSWORD: `pgpw-${tag}-${name}`,
    SECRET_KEY: `secretkey-${tag}-${'s'.repeat(32)}`,
    INITIAL_PASSWORD: `InitPw-${tag}`,
    TENANT_TOKEN: `tt-${tag}-tenant-token`,
  };
}

export function stackSpec(name: string, port: number, variables: Record<string, string> = {}): StackSpec {
  return {
    name,
    environment: 'local',
    port,
    variables: {
      ...secretsFor(name),
      INITIAL_USERNAME,
      CLIENT_ID: '17',
      CLIENT_NAME: 'Charpente Martin',
      CLIENT_NUMBER: 'CLI-0017',
      APP_PORT: String(port),
      APP_URL: `http://127.0.0.1:${port}`,
      // Nothing listens there: the instance keeps working with its own quotas.
      PLATFORM_URL: 'http://127.0.0.1:9',
      PLAN: 'essai',
      QUOTA_USERS: '3',
      QUOTA_PROJECTS: '10',
      QUOTA_STORAGE_GB: '1',
      ...variables,
    },
  };
}

export interface Harness {
  orchestrator: LocalOrchestrator;
  logs: CapturedLogger;
  dataDir: string;
  databaseUrl: string;
  /** Another orchestrator on the same data directory and database (a platform restart). */
  another(options?: Partial<LocalOrchestratorOptions>): LocalOrchestrator;
}

/** A platform database and data directory for one test file or test; everything is cleaned in `t.after`. */
export async function harness(t: After, options: Partial<LocalOrchestratorOptions> = {}): Promise<Harness> {
  const database = await createTestDatabase({ migrated: false });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'erpbtp-local-orch-'));
  const logs = captureLogger('debug');
  const created: LocalOrchestrator[] = [];
  const make = (more: Partial<LocalOrchestratorOptions> = {}) => {
    const orchestrator = createLocalOrchestrator({
      databaseUrl: database.url,
      dataDir,
      log: logs.log,
      restartBackoff: { initialMs: 100, maxMs: 1_000 },
      stopTimeoutMs: 3_000,
      ...options,
      ...more,
    });
    created.push(orchestrator);
    return orchestrator;
  };
  const orchestrator = make();
  t.after(async () => {
    // Remove every stack any instance deployed (processes, databases, roles), then the rest.
    const names = new Set<string>();
    for (const o of created) for (const name of (await o.inspectAll('local')).keys()) names.add(name);
    for (const o of created) await o.close();
    const cleaner = make();
    for (const name of names) await cleaner.remove('local', name);
    await cleaner.close();
    await rm(dataDir, { recursive: true, force: true });
    await database.drop();
  });
  return { orchestrator, logs, dataDir, databaseUrl: database.url, another: make };
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(50);
  }
}

export async function health(port: number): Promise<number | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return null;
  }
}

export function waitHealthy(port: number, timeoutMs = 30_000): Promise<true> {
  return waitFor(`port ${port} to answer /health 200`, async () => (await health(port)) === 200 || undefined, timeoutMs);
}

/** Live (non-zombie) processes whose environment marks them as this stack's tenant. */
export function tenantPids(name: string): number[] {
  const marker = `${STACK_MARKER_VARIABLE}=${name}`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(marker)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

export function commandLine(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
}

/** Signs in over real HTTP with the initial credentials; returns where the app redirects. */
export async function login(port: number, username: string, password: string): Promise<{ status: number; location: string | null }> {
  const base = `http://127.0.0.1:${port}`;
  const page = await fetch(`${base}/connexion`);
  const html = await page.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error(`no CSRF token on the login page (status ${page.status})`);
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const response = await fetch(`${base}/connexion`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ username, password, _csrf: token }).toString(),
  });
  await response.arrayBuffer();
  return { status: response.status, location: response.headers.get('location') };
}

/** Connects as the tenant's own role to its own database. */
export async function connectAsTenant(platformUrl: string, name: string, password: string): Promise<number> {
  const role = `tenant_${name.replaceAll('-', '_')}`;
  const url = new URL(platformUrl);
  url.username = role;
  url.password = encodeURIComponent(password);
  url.pathname = `/${role}`;
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    return rows[0]?.n ?? -1;
  } finally {
    await client.end();
  }
}

/** Whether the server verifies passwords (the embedded PostgreSQL does; a trust-configured one does not). */
export async function passwordsEnforced(platformUrl: string): Promise<boolean> {
  const url = new URL(platformUrl);
  url.password = 'definitely-not-the-password';
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.end();
    return false;
  } catch {
    return true;
  }
}

export async function adminQuery<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
