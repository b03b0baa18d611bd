// The real platform as a separate process (`erpbtp start`) on an isolated database, for tests that
// kill it: each `start()` spawns it again on the same database, data directory and port.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../../src/db/embedded-postgres.ts';
import { createTestDatabase } from './database.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface PlatformProcesses {
  port: number;
  sql: pg.Pool;
  /** Starts the platform and waits until it is ready. */
  start(env?: Record<string, string>): Promise<ChildProcess>;
  /** Starts the platform without waiting. */
  spawn(env?: Record<string, string>): ChildProcess;
  /** Posts the trial form like a browser would; resolves with the response status. */
  signup(fields: Record<string, string>): Promise<number>;
}

export async function platformProcesses(t: Pick<TestContext, 'after'>, baseEnv: Record<string, string> = {}): Promise<PlatformProcesses> {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'erpbtp-process-'));
  const sql = new pg.Pool({ connectionString: database.url, max: 2 });
  const port = await freePort();
  // Tenant ports below the ephemeral range, apart from the blocks of test/helpers/platform.ts.
  const tenantBase = 32000 + Math.floor(Math.random() * 30) * 20;
  let child: ChildProcess | undefined;
  t.after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited(child);
    }
    await sql.end();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  function spawnPlatform(env: Record<string, string> = {}): ChildProcess {
    child = spawn(process.execPath, ['bin/erpbtp.js', 'start'], {
      cwd: ROOT, stdio: 'ignore',
      env: {
        ...process.env, DATABASE_URL: database.url, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1',
        PUBLIC_URL: `http://localhost:${port}`, TENANT_PORT_RANGE: `${tenantBase}-${tenantBase + 19}`, SIGNUP_RATE_LIMIT: '0',
        LOG_LEVEL: 'warn', ...baseEnv, ...env,
      },
    });
    return child;
  }

  async function start(env: Record<string, string> = {}): Promise<ChildProcess> {
    const child = spawnPlatform(env);
    for (let i = 0; i < 300; i++) {
      if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) return child;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('platform not ready');
  }

  async function signup(fields: Record<string, string>): Promise<number> {
    const form = await fetch(`http://127.0.0.1:${port}/essai`);
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const response = await fetch(`http://127.0.0.1:${port}/essai`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({
        nom: 'Test', prenom: 'Camille', telephone: '0612345678', effectif: '1-5', plan: 'essai', cgv: 'on', ...fields, _csrf: token,
      }),
    });
    return response.status;
  }

  return { port, sql, start, spawn: spawnPlatform, signup };
}

export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}
