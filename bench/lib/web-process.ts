// Runs the web role in its own process (`erpbtp web`) on a fresh embedded PostgreSQL, so the
// load generator in the benchmark's process does not share the server's event loop. On DATABASE_URL if set (or
// `options.databaseUrl`: a database of the benchmark's own), migrated before the process starts.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { openDatabase, runMigrations } from '../../src/db/database.ts';
import { freePort, startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';

export async function startWebProcess(env: Record<string, string> = {}, options: { databaseUrl?: string } = {}) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'erpbtp-bench-'));
  const log = pino({ level: 'warn' });
  const external = options.databaseUrl ?? process.env.DATABASE_URL;
  const embedded = external ? undefined : await startEmbeddedPostgres({ directory: dataDir, log });
  const databaseUrl = external ?? embedded!.url;
  const database = openDatabase(databaseUrl, { max: 2 });
  await runMigrations(database.pool, log);
  await database.close();
  const port = await freePort();
  const web = spawn(process.execPath, ['bin/erpbtp.js', 'web'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  while (!(await fetch(`${url}/readyz`).then((r) => r.ok, () => false))) {
    if (web.exitCode !== null) throw new Error(`erpbtp web exited with ${web.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    /** The web process's database, for seeding it or reading what it wrote. */
    databaseUrl,
    pid: web.pid!,
    rssMb: async () => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${web.pid}/status`, 'utf8'))![1]) / 1024,
    stop: async () => {
      web.kill('SIGTERM');
      if (web.exitCode === null) await new Promise((r) => web.once('exit', r));
      await embedded?.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
