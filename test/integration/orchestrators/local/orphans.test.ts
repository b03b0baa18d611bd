// A platform that dies without stopping its tenants (SIGKILL, OOM) must never end up, once restarted, with two
// processes for one stack: the tenant exits when its IPC channel closes, and the pid file lets the next run
// stop any survivor before it starts the stack again.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { OrchestratorError } from '../../../../src/provisioning/orchestrator.ts';
import { adminQuery, freePort, harness, health, stackSpec, tenantPids, uniqueName, waitFor, waitHealthy } from './helpers.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/platform.ts', import.meta.url));
const TENANT_MAIN = fileURLToPath(new URL('../../../../tenant/main.js', import.meta.url));
// Never restarts within a test: the first instance must not fight the second one over the stack.
const NO_RESTART = { restartBackoff: { initialMs: 3_600_000, maxMs: 3_600_000 } };

test('a second instance adopts the stack of a vanished one: one process, healthy', async (t) => {
  const h = await harness(t, NO_RESTART);
  const name = uniqueName('orph');
  const port = await freePort();
  const spec = stackSpec(name, port);
  await h.orchestrator.deploy(spec);
  await waitHealthy(port);
  const orphan = (await h.orchestrator.inspect('local', name)).pid;
  assert.ok(orphan);

  // The platform restarts: a new instance on the same data, nothing in memory, the old process still there.
  const second = h.another();
  const before = await second.inspect('local', name);
  assert.equal(before.state, 'exited');
  assert.match(before.containers[0]?.status ?? '', /not started since the platform started/);
  assert.equal((await second.inspectAll('local')).get(name)?.state, 'exited');
  await assert.rejects(second.start('local', name), (err: unknown) => err instanceof OrchestratorError && !err.transient && /deploy it again/.test(err.message));

  await second.deploy(spec);
  const adopted = await second.inspect('local', name);
  assert.notEqual(adopted.pid, orphan);
  assert.deepEqual(tenantPids(name), [adopted.pid], 'exactly one tenant process');
  await waitHealthy(port);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(tenantPids(name), [adopted.pid]);
  assert.match(h.logs.text(), /stopping a tenant process left behind by a previous platform run/);
});

test('remove and stop from a fresh instance also reach a process left behind', async (t) => {
  const h = await harness(t, NO_RESTART);
  const name = uniqueName('orph');
  const port = await freePort();
  await h.orchestrator.deploy(stackSpec(name, port));
  await waitHealthy(port);

  const second = h.another();
  await second.stop('local', name);
  assert.deepEqual(tenantPids(name), []);
  assert.equal(await health(port), null);
  assert.equal((await second.inspect('local', name)).state, 'exited', 'still deployed (files, database)');

  await second.remove('local', name);
  const role = `tenant_${name.replaceAll('-', '_')}`;
  const [row] = await adminQuery<{ n: number }>(h.databaseUrl, 'SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1', [role]);
  assert.equal(row?.n, 0);
  assert.equal((await second.inspect('local', name)).state, 'missing');
});

test('a platform killed with SIGKILL leaves no second process once the next one deploys', async (t) => {
  const h = await harness(t);
  const name = uniqueName('kill');
  const port = await freePort();
  const spec = stackSpec(name, port);
  const platform = spawn(process.execPath, [FIXTURE], {
    env: {
      PATH: process.env.PATH,
      FIXTURE_SPEC: JSON.stringify(spec),
      FIXTURE_DATABASE_URL: h.databaseUrl,
      FIXTURE_DATA_DIR: h.dataDir,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => {
    platform.kill('SIGKILL');
  });
  let output = '';
  platform.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const { pid: first } = await waitFor('the fixture platform to deploy', () => (output.includes('\n') ? (JSON.parse(output) as { pid: number }) : undefined));
  await waitHealthy(port);
  t.after(() => {
    for (const pid of tenantPids(name)) process.kill(pid, 'SIGKILL');
  });

  platform.kill('SIGKILL');
  await once(platform, 'exit');
  if (readFileSync(TENANT_MAIN, 'utf8').includes("'disconnect'")) {
    // The instance notices its supervisor is gone and exits by itself.
    await waitFor('the orphan to exit on IPC disconnect', () => tenantPids(name).length === 0, 10_000);
  } else {
    t.diagnostic('tenant/main.js does not exit on IPC disconnect yet: relying on the pid file');
  }

  const next = h.another();
  await next.deploy(spec);
  const adopted = await next.inspect('local', name);
  assert.notEqual(adopted.pid, first);
  await waitHealthy(port);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(tenantPids(name), [adopted.pid], 'exactly one tenant process');
});
