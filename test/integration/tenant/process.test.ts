// The demo ERP as the orchestrators run it: `node tenant/main.js` with the environment only.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { tenantEnv, testDatabase } from './helpers.ts';

const ENTRY = fileURLToPath(new URL('../../../tenant/main.js', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// With an IPC channel, as the local orchestrator starts it: the channel must not keep a
// stopped tenant alive (it used to, until the orchestrator killed it 5 s later).
function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [ENTRY], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, exited, output: () => output };
}

describe('tenant process', () => {
  test('starts from the environment alone, answers /health, and stops cleanly on SIGTERM', async (t) => {
    const db = new URL(await testDatabase(t));
    const port = await freePort();
    const env = tenantEnv(db.toString(), { APP_PORT: String(port), APP_HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    // The compose template's way: field by field rather than a URL.
    delete (env as Partial<typeof env>).DATABASE_URL;
    Object.assign(env, { POSTGRES_HOST: db.hostname, POSTGRES_PORT: db.port || '5432', POSTGRES_DB: db.pathname.slice(1), POSTGRES_USER: db.username, ...(db.password ? { POSTGRES_PASSWORD: decodeURIComponent(db.password) } : {}) });
    const started = performance.now();
    const tenant = run(env);
    t.after(() => tenant.child.kill('SIGKILL'));

    let status = 0;
    while (status !== 200 && performance.now() - started < 20_000) {
      status = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status, () => 0);
      if (status !== 200) await sleep(50);
    }
    const readyMs = performance.now() - started;
    assert.equal(status, 200, tenant.output());
    t.diagnostic(`time to ready: ${Math.round(readyMs)} ms`);

    const login = await fetch(`http://127.0.0.1:${port}/connexion`);
    assert.equal(login.status, 200);
    assert.match(await login.text(), /Connexion à votre espace/);

    tenant.child.kill('SIGTERM');
    const [code] = await Promise.race([tenant.exited, sleep(4_000).then(() => ['still running after SIGTERM'])]);
    assert.equal(code, 0, tenant.output());
    assert.match(tenant.output(), /"msg":"shutting down"/);
    assert.ok(!tenant.output().includes(env.SECRET_KEY ?? '?'));
    assert.ok(!tenant.output().includes(env.INITIAL_PASSWORD ?? '?'));
  });

  test('refuses to start on an invalid configuration, with a French message and exit code 78', async () => {
    const tenant = run({ APP_PORT: '8080', SECRET_KEY: 'trop-court' });
    const [code] = await tenant.exited;
    assert.equal(code, 78);
    assert.match(tenant.output(), /Configuration invalide de l’instance ERP BTP/);
    assert.match(tenant.output(), /SECRET_KEY\u00a0: doit contenir au moins 32 caractères/);
    assert.match(tenant.output(), /CLIENT_NAME\u00a0: variable obligatoire manquante\./);
    assert.doesNotMatch(tenant.output(), /trop-court/);
  });

  test('listens before the database is reachable, answers 503 meanwhile, and keeps retrying', async (t) => {
    const port = await freePort();
    const deadPort = await freePort();
    const tenant = run(tenantEnv(`postgres://postgres@127.0.0.1:${deadPort}/nothing`, { APP_PORT: String(port), APP_HOST: '127.0.0.1' }));
    t.after(() => tenant.child.kill('SIGKILL'));
    let response: Response | undefined;
    for (let i = 0; i < 200 && !response; i++) {
      response = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
      if (!response) await sleep(50);
    }
    assert.equal(response?.status, 503);
    assert.deepEqual(await response?.json(), { status: 'starting' });
    await sleep(600);
    assert.match(tenant.output(), /database not ready, retrying/);
    tenant.child.kill('SIGTERM');
    const [code] = await Promise.race([tenant.exited, sleep(4_000).then(() => ['still running after SIGTERM'])]);
    assert.equal(code, 0, tenant.output());
  });
});
