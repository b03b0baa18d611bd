// Starts the real platform (web + worker roles) on an isolated database, on a free port.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { type Roles, startPlatform } from '../../src/platform.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { type CapturedLogger, captureLogger } from './logs.ts';

export interface TestPlatform {
  url: string;
  app: FastifyInstance;
  database: TestDatabase;
  /** A direct connection to the test database, for assertions. */
  sql: pg.Pool;
  logs: CapturedLogger;
  dataDir: string;
  /** Stops the platform now (it is otherwise stopped after the test); idempotent. */
  stop(): Promise<void>;
  /**
   * Closes something the test opened on the platform's database (a queue, a pool) before that database is
   * dropped: a connection still open at the drop is killed, and its owner reports the error in the test.
   */
  onTeardown(close: () => Promise<unknown>): void;
}

/** Web role only by default: tests of provisioning ask for the worker too. */
export async function startTestPlatform(
  t: TestContext, env: Record<string, string> = {}, roles: Roles = { web: true, worker: false },
): Promise<TestPlatform> {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'erpbtp-platform-'));
  // Test files run in parallel, each with its own port table: give each its own block of tenant ports,
  // below Linux's ephemeral range (32768-60999) where outgoing connections would take them.
  const base = 20000 + Math.floor(Math.random() * 600) * 20;
  const config = loadConfig({
    DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, TENANT_PORT_RANGE: `${base}-${base + 19}`, ...env,
  });
  const logs = captureLogger();
  const platform = await startPlatform(config, logs.log, roles);
  const sql = new pg.Pool({ connectionString: database.url, max: 2 });
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= platform.stop());
  const teardowns: (() => Promise<unknown>)[] = [];
  t.after(async () => {
    await stop();
    for (const close of teardowns.reverse()) await close();
    await sql.end();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });
  return { url: platform.url!, app: platform.app!, database, sql, logs, dataDir, stop, onTeardown: (close) => void teardowns.push(close) };
}

/** Opens a form page and returns what a browser would post back: the CSRF token and cookie. */
export async function openForm(app: FastifyInstance, url: string): Promise<{ token: string; cookie: string; body: string }> {
  const response = await app.inject({ method: 'GET', url });
  const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
  const setCookie = response.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie]).map((c) => String(c).split(';')[0]).join('; ');
  if (!token) throw new Error(`no CSRF token on ${url}`);
  return { token, cookie, body: response.body };
}
