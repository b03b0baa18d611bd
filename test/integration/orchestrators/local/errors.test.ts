// Failure modes of the local orchestrator: busy ports, invalid specs, an unreachable database, crash loops,
// configurations the instance refuses, concurrent database preparation, a non-superuser platform role.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createLocalOrchestrator } from '../../../../src/orchestrators/local/local-orchestrator.ts';
import { createTenantDatabases } from '../../../../src/orchestrators/local/tenant-database.ts';
import { OrchestratorError } from '../../../../src/provisioning/orchestrator.ts';
import { adminUrl, databaseUrl } from '../../../helpers/database.ts';
import { captureLogger } from '../../../helpers/logs.ts';
import { adminQuery, connectAsTenant, freePort, harness, health, stackSpec, uniqueName, waitFor, waitHealthy } from './helpers.ts';

const CRASH = fileURLToPath(new URL('./fixtures/crash.ts', import.meta.url));

function orchestratorError(transient: boolean, pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof OrchestratorError, `expected an OrchestratorError, got ${String(err)}`);
    assert.equal(err.transient, transient, err.message);
    assert.match(err.message, pattern);
    return true;
  };
}

test('a port held by another process is a transient failure, retried by the saga', async (t) => {
  const h = await harness(t);
  const port = await freePort();
  const squatter = net.createServer().listen(port, '127.0.0.1');
  await once(squatter, 'listening');
  t.after(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
  const name = uniqueName('busy');
  await assert.rejects(h.orchestrator.deploy(stackSpec(name, port)), orchestratorError(true, new RegExp(`port ${port} .*already in use`)));
  const status = await h.orchestrator.inspect('local', name);
  assert.equal(status.state, 'exited');
  assert.match(status.containers[0]?.status ?? '', /port .* busy/);
});

test('invalid specs are refused before anything is created', async (t) => {
  const h = await harness(t);
  const port = await freePort();
  const good = stackSpec(uniqueName('inv'), port);
  const cases: Array<[string, object, RegExp]> = [
    ['bad name', { name: 'Bad_Name' }, /invalid stack name/],
    ['too long', { name: `a${'b'.repeat(40)}` }, /invalid stack name/],
    ['environment', { environment: '2' }, /unknown environment/],
    ['domain mode', { port: null }, /needs a port/],
    ['password', { variables: { ...good.variables, POSTGRES_PASSWORD: '' } }, /no POSTGRES_PASSWORD/],
    ['variable name', { variables: { ...good.variables, 'A=B': 'x' } }, /invalid variable name/],
  ];
  for (const [label, override, pattern] of cases) {
    await assert.rejects(h.orchestrator.deploy({ ...good, ...override }), orchestratorError(false, pattern), label);
  }
  assert.equal((await h.orchestrator.inspectAll('local')).size, 0);
  await assert.rejects(h.orchestrator.stop('prod', good.name), orchestratorError(false, /unknown environment/));
  await assert.rejects(h.orchestrator.start('local', good.name), orchestratorError(false, /unknown stack/));
  assert.equal((await h.orchestrator.inspect('local', good.name)).state, 'missing');
  assert.equal((await h.orchestrator.inspect('other', good.name)).state, 'missing');
  assert.equal((await h.orchestrator.inspectAll('other')).size, 0);
  await h.orchestrator.remove('local', good.name); // removing what does not exist succeeds
  await h.orchestrator.stop('local', good.name);
});

test('an unreachable platform database is a transient failure', async (t) => {
  const port = await freePort();
  const orchestrator = createLocalOrchestrator({
    databaseUrl: `postgres://nobody@127.0.0.1:${await freePort()}/nothing`,
    dataDir: '/nonexistent-erpbtp',
    log: captureLogger().log,
  });
  t.after(() => orchestrator.close());
  await assert.rejects(orchestrator.deploy(stackSpec(uniqueName('down'), port)), orchestratorError(true, /ECONNREFUSED/));
});

test('a crashing tenant is restarted with a doubling delay, and stop ends the loop', async (t) => {
  const h = await harness(t, { tenantEntry: CRASH, restartBackoff: { initialMs: 50, maxMs: 200 } });
  const name = uniqueName('crash');
  await h.orchestrator.deploy(stackSpec(name, await freePort()));
  const looping = await waitFor('three restarts', async () => {
    const s = await h.orchestrator.inspect('local', name);
    return s.restarts >= 4 ? s : undefined;
  });
  assert.equal(looping.state, 'starting', 'up less than a second, or waiting to restart');
  assert.equal(looping.lastExitCode, 3);
  const logs = await h.orchestrator.logs('local', name, { tail: 100 });
  assert.match(logs, /boom on port/);
  for (const delay of [50, 100, 200]) assert.match(logs, new RegExp(`exited \\(exit code 3\\); restarting in ${delay} ms`));
  assert.doesNotMatch(logs, /restarting in 400 ms/, 'capped at maxMs');

  await h.orchestrator.stop('local', name);
  const stopped = await h.orchestrator.inspect('local', name);
  assert.equal(stopped.state, 'exited');
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.equal((await h.orchestrator.inspect('local', name)).restarts, stopped.restarts, 'no restart after stop');
});

test('an instance that refuses its configuration (exit 78) is not restarted in a loop', async (t) => {
  const h = await harness(t);
  const name = uniqueName('cfg');
  const port = await freePort();
  await h.orchestrator.deploy(stackSpec(name, port, { SECRET_KEY: 'too-short' }));
  const status = await waitFor('the instance to give up', async () => {
    const s = await h.orchestrator.inspect('local', name);
    return s.state === 'exited' ? s : undefined;
  });
  assert.equal(status.lastExitCode, 78);
  assert.equal(status.restarts, 0);
  assert.match(status.containers[0]?.status ?? '', /configuration refused/);
  assert.match(await h.orchestrator.logs('local', name), /SECRET_KEY/);

  // Fixing the spec brings it up.
  await h.orchestrator.update(stackSpec(name, port));
  await waitHealthy(port);
});

test('concurrent preparations of the same tenant database all succeed, as do concurrent drops', async (t) => {
  const h = await harness(t);
  const name = uniqueName('conc');
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const clients = Array.from({ length: 3 }, () => createTenantDatabases(h.databaseUrl));
  await Promise.all(clients.flatMap((db) => [db.ensure(name, password), db.ensure(name, password)]));
  assert.deepEqual(await clients[0]?.exists(name), { role: true, database: true });
  await Promise.all(clients.map((db) => db.drop(name)));
  assert.deepEqual(await clients[0]?.exists(name), { role: false, database: false });
});

test('a platform role with only CREATEROLE and CREATEDB is enough', async (t) => {
  const h = await harness(t);
  const platformRole = `erpbtp_platform_${randomBytes(4).toString('hex')}`;
  const platformPassword = randomBytes(12).toString('hex');
  await adminQuery(adminUrl(), `CREATE ROLE ${platformRole} LOGIN CREATEROLE CREATEDB PASSWORD '${platformPassword}'`);
  t.after(async () => {
    await adminQuery(adminUrl(), `DROP ROLE IF EXISTS ${platformRole}`);
  });
  const url = new URL(databaseUrl(adminUrl(), new URL(h.databaseUrl).pathname.slice(1)));
  url.username = platformRole;
  url.password = platformPassword;
  const orchestrator = createLocalOrchestrator({ databaseUrl: url.toString(), dataDir: h.dataDir, log: h.logs.log });
  t.after(() => orchestrator.close());

  const name = uniqueName('nosu');
  const port = await freePort();
  const spec = stackSpec(name, port);
  await orchestrator.deploy(spec);
  await orchestrator.deploy(spec); // the existing role and database are adopted
  await waitHealthy(port);
  assert.equal(await connectAsTenant(h.databaseUrl, name, spec.variables.POSTGRES_PASSWORD as string), 1);
  const [owner] = await adminQuery<{ owner: string }>(adminUrl(), 'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [
    `tenant_${name.replaceAll('-', '_')}`,
  ]);
  assert.equal(owner?.owner, `tenant_${name.replaceAll('-', '_')}`);

  await orchestrator.remove('local', name);
  assert.equal(await health(port), null);
  assert.deepEqual(await createTenantDatabases(h.databaseUrl).exists(name), { role: false, database: false });
});
