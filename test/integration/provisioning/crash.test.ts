// Crash safety: the platform process is killed (SIGKILL) right after each saga step did its
// work and before it was recorded, then restarted; every deployment must still end with
// exactly one tenant process, one database and one port.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../../../src/db/embedded-postgres.ts';
import { CREATE_STEP_NAMES } from '../../../src/provisioning/steps/index.ts';
import { createTestDatabase } from '../../helpers/database.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function tenantProcesses(stack: string): Promise<number> {
  let count = 0;
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (environ.split('\0').includes(`ERPBTP_LOCAL_STACK=${stack}`)) count++;
  }
  return count;
}

test('a platform killed after each provisioning step recovers with exactly one instance', { timeout: 600_000 }, async (t) => {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'erpbtp-crash-'));
  const sql = new pg.Pool({ connectionString: database.url, max: 2 });
  const port = await freePort();
  const tenantBase = 32000 + Math.floor(Math.random() * 30) * 20; // below the ephemeral range, apart from test/helpers/platform.ts
  let child: ChildProcess | undefined;
  t.after(async () => {
    child?.kill('SIGTERM');
    if (child && child.exitCode === null) await new Promise((r) => child!.once('exit', r));
    await sql.end();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = async (env: Record<string, string> = {}) => {
    child = spawn(process.execPath, ['src/main.ts', 'start'], {
      cwd: ROOT, stdio: 'ignore',
      env: {
        ...process.env, DATABASE_URL: database.url, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1',
        PUBLIC_URL: `http://localhost:${port}`, TENANT_PORT_RANGE: `${tenantBase}-${tenantBase + 19}`, SIGNUP_RATE_LIMIT: '0',
        LOG_LEVEL: 'warn', ...env,
      },
    });
    for (let i = 0; i < 300; i++) {
      if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) return child;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('platform not ready');
  };
  const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r)));

  for (const [i, step] of CREATE_STEP_NAMES.entries()) {
    const killed = await start({ ERPBTP_FAULT_KILL_AFTER_STEP: step });
    const form = await fetch(`http://127.0.0.1:${port}/essai`);
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const signup = await fetch(`http://127.0.0.1:${port}/essai`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({
        nom: 'Crash', prenom: 'Test', email: `crash${i}@example.fr`, entreprise: `Crash étape ${i + 1}`, telephone: '0612345678',
        effectif: '1-5', plan: 'essai', cgv: 'on', _csrf: token,
      }),
    });
    assert.equal(signup.status, 303);
    await exited(killed);
    assert.equal(killed.signalCode, 'SIGKILL', `the platform was killed after ${step}`);

    const restarted = await start();
    const deadline = Date.now() + 60_000;
    let state = '';
    while (Date.now() < deadline) {
      state = (await sql.query('select d.state from deployments d join clients c on true join stacks s on s.id = d.stack_id and s.client_id = c.id where c.email = $1', [`crash${i}@example.fr`])).rows[0]?.state;
      if (state === 'succeeded' || state === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(state, 'succeeded', `deployment interrupted after ${step}`);
    const { rows: [stack] } = await sql.query(`select s.name, s.url from stacks s join clients c on c.id = s.client_id where c.email = $1`, [`crash${i}@example.fr`]);
    const health = await fetch(`${stack.url}/health`).then((r) => r.status, (e: Error) => e.message);
    assert.equal(health, 200, `instance answering after a crash after ${step}`);
    assert.equal(await tenantProcesses(stack.name), 1, `one tenant process after a crash after ${step}`);
    const { rows: [counts] } = await sql.query(`select
        (select count(*)::int from pg_database where datname = 'tenant_' || (select id from platform_instance) || '_' || $1) as databases,
        (select count(*)::int from port_allocations p join stacks s on s.id = p.stack_id where s.name = $2) as ports,
        (select count(*)::int from credentials c join stacks s on s.id = c.stack_id where s.name = $2) as credentials`,
      [stack.name.replaceAll('-', '_'), stack.name]);
    assert.deepEqual(counts, { databases: 1, ports: 1, credentials: 4 }, `after a crash after ${step}`);
    restarted.kill('SIGTERM');
    await exited(restarted);
  }
});
