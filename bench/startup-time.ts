// Cold start (fresh DATA_DIR: PostgreSQL initialised, database migrated) and warm start to
// /readyz = 200, for `erpbtp start` on the embedded defaults (targets < 10 s and < 3 s).
// Baseline in the same run: a bare Node process answering HTTP.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/db/embedded-postgres.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function timeToReady(args: string[], env: Record<string, string>, url: string) {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'ignore' });
  for (;;) {
    const ok = await fetch(url).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}`);
    if (performance.now() - started > 60_000) throw new Error('not ready after 60 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - started;
  const exited = new Promise((r) => child.once('exit', r));
  const stopAt = performance.now();
  child.kill('SIGTERM');
  await exited;
  return { ms, stopMs: performance.now() - stopAt };
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'erpbtp-startup-'));
try {
  const port = await freePort();
  const env = { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: '' };
  const url = `http://127.0.0.1:${port}/readyz`;
  const baselinePort = await freePort();
  const baseline = await timeToReady(['-e', `require('http').createServer((q,s)=>s.end('ok')).listen(${baselinePort})`], {}, `http://127.0.0.1:${baselinePort}/`);
  const cold = await timeToReady(['bin/erpbtp.js', 'start'], env, url);
  const warm = await timeToReady(['bin/erpbtp.js', 'start'], env, url);
  console.log(`baseline (bare node http server): ${baseline.ms.toFixed(0)} ms`);
  console.log(`cold start to /readyz 200: ${(cold.ms / 1000).toFixed(2)} s (${(cold.ms / baseline.ms).toFixed(0)}x baseline; target < 10 s), shutdown ${cold.stopMs.toFixed(0)} ms`);
  console.log(`warm start to /readyz 200: ${(warm.ms / 1000).toFixed(2)} s (${(warm.ms / baseline.ms).toFixed(0)}x baseline; target < 3 s), shutdown ${warm.stopMs.toFixed(0)} ms`);
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
