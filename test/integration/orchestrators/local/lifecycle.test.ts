// The local orchestrator runs real demo-ERP processes: deploy, idempotent redeploy, crash restart, stop/start,
// update, logs, remove. The tests of this suite follow one stack through its life, in order.
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { StackSpec } from '../../../../src/provisioning/orchestrator.ts';
import type { Harness } from './helpers.ts';
import {
  adminQuery,
  commandLine,
  connectAsTenant,
  freePort,
  harness,
  health,
  INITIAL_USERNAME,
  login,
  passwordsEnforced,
  stackSpec,
  tenantPids,
  uniqueName,
  waitFor,
  waitHealthy,
} from './helpers.ts';

describe('local orchestrator: a stack through its life', () => {
  const name = uniqueName('life');
  const role = `tenant_${name.replaceAll('-', '_')}`;
  let h: Harness;
  let spec: StackSpec;
  let port: number;
  const secrets = new Set<string>();
  const cleanups: Array<() => Promise<void> | void> = [];
  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });
  const remember = (s: StackSpec) => {
    for (const key of ['POSTGRES_PASSWORD', 'SECRET_KEY', 'INITIAL_PASSWORD', 'TENANT_TOKEN']) secrets.add(s.variables[key] as string);
  };
  const counts = async () =>
    (
      await adminQuery<{ roles: number; databases: number }>(
        h.databaseUrl,
        `SELECT (SELECT count(*)::int FROM pg_roles WHERE rolname = $1) AS roles,
                (SELECT count(*)::int FROM pg_database WHERE datname = $1) AS databases`,
        [role],
      )
    )[0];

  test('deploy starts an instance that answers /health and lets the initial user sign in', async (t) => {
    h = await harness({ after: (fn) => void cleanups.push(fn) });
    port = await freePort();
    spec = stackSpec(name, port);
    remember(spec);
    const started = Date.now();
    assert.deepEqual(await h.orchestrator.deploy(spec), { externalId: name });
    const early = await h.orchestrator.inspect('local', name);
    assert.ok(['starting', 'running'].includes(early.state));
    await waitHealthy(port);
    t.diagnostic(`healthy after ${Date.now() - started} ms`);

    // The supervisor sees the instance healthy with its own probe, a moment after the test's (later under load).
    let status = await h.orchestrator.inspect('local', name);
    for (let i = 0; i < 100 && status.state !== 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await h.orchestrator.inspect('local', name);
    }
    assert.equal(status.state, 'running');
    assert.equal(status.containers.length, 1);
    assert.equal(status.containers[0]?.state, 'running');
    assert.equal(status.restarts, 0);
    assert.deepEqual(tenantPids(name), [status.pid]);

    const signIn = await login(port, INITIAL_USERNAME, spec.variables.INITIAL_PASSWORD as string);
    assert.equal(signIn.status, 303);
    assert.equal(signIn.location, '/mot-de-passe', 'the initial password works and must be changed');
    assert.equal((await login(port, INITIAL_USERNAME, 'not-the-password')).status, 401);

    // The generated database password is a real credential of a role of its own.
    assert.equal(await connectAsTenant(h.databaseUrl, name, spec.variables.POSTGRES_PASSWORD as string), 1);
    if (await passwordsEnforced(h.databaseUrl)) {
      await assert.rejects(connectAsTenant(h.databaseUrl, name, 'wrong-password'), /password authentication failed/);
    }
    assert.deepEqual(await counts(), { roles: 1, databases: 1 });

    const dir = path.join(h.dataDir, 'tenants', name);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.ok(existsSync(path.join(dir, 'pid')));
    assert.equal((await h.orchestrator.inspectAll('local')).get(name)?.state, 'running');
    assert.deepEqual(h.orchestrator.environments(), ['local']);
    assert.equal(h.orchestrator.kind, 'local');
  });

  test('deploying the same spec again keeps the one process, database and role', async () => {
    const before = (await h.orchestrator.inspect('local', name)).pid;
    await Promise.all([h.orchestrator.deploy(spec), h.orchestrator.deploy(spec)]);
    await h.orchestrator.deploy(spec);
    assert.equal((await h.orchestrator.inspect('local', name)).pid, before);
    assert.deepEqual(tenantPids(name), [before]);
    assert.deepEqual(await counts(), { roles: 1, databases: 1 });
    assert.equal(await health(port), 200);
  });

  test('a tenant killed with SIGKILL is restarted and counted', async () => {
    const before = await h.orchestrator.inspect('local', name);
    assert.ok(before.pid);
    process.kill(before.pid, 'SIGKILL');
    const restarted = await waitFor('a new process', async () => {
      const s = await h.orchestrator.inspect('local', name);
      return s.pid !== null && s.pid !== before.pid ? s : undefined;
    });
    assert.equal(restarted.restarts, 1);
    assert.equal(restarted.lastExitSignal, 'SIGKILL');
    await waitHealthy(port);
    await waitFor('running state', async () => (await h.orchestrator.inspect('local', name)).state === 'running');
    assert.match((await h.orchestrator.inspect('local', name)).containers[0]?.status ?? '', /1 restart \(last: killed by SIGKILL\)/);
    assert.deepEqual(tenantPids(name), [restarted.pid]);
  });

  test('stop closes the port and is not followed by a restart; start brings it back', async () => {
    await h.orchestrator.stop('local', name);
    assert.equal(await health(port), null, 'port closed');
    const stopped = await h.orchestrator.inspect('local', name);
    assert.equal(stopped.state, 'exited');
    assert.equal(stopped.pid, null);
    assert.ok(!existsSync(path.join(h.dataDir, 'tenants', name, 'pid')), 'pid file removed on a clean stop');
    await h.orchestrator.stop('local', name); // idempotent
    await new Promise((resolve) => setTimeout(resolve, 400)); // longer than the restart backoff
    assert.equal((await h.orchestrator.inspect('local', name)).state, 'exited');
    assert.deepEqual(tenantPids(name), []);

    await h.orchestrator.start('local', name);
    await h.orchestrator.start('local', name); // idempotent
    await waitHealthy(port);
    assert.equal(tenantPids(name).length, 1);
  });

  test('update applies new variables and a new database password, restarting the process', async () => {
    const before = (await h.orchestrator.inspect('local', name)).pid;
    const next = stackSpec(name, port, { CLIENT_NAME: 'Charpente Martin & Fils' });
    remember(next);
    await h.orchestrator.update(next);
    const after = await h.orchestrator.inspect('local', name);
    assert.notEqual(after.pid, before);
    await waitHealthy(port);
    assert.equal(await connectAsTenant(h.databaseUrl, name, next.variables.POSTGRES_PASSWORD as string), 1);
    if (await passwordsEnforced(h.databaseUrl)) {
      await assert.rejects(connectAsTenant(h.databaseUrl, name, spec.variables.POSTGRES_PASSWORD as string), /password authentication failed/);
    }
    // The users created at first boot are kept: the initial password of the first spec still signs in.
    assert.equal((await login(port, INITIAL_USERNAME, spec.variables.INITIAL_PASSWORD as string)).location, '/mot-de-passe');
    assert.deepEqual(tenantPids(name), [after.pid]);
    spec = next;

    // A deploy with a changed spec restarts too (adoption to the spec).
    const changed = stackSpec(name, port, { ...spec.variables, PLAN: 'pro' });
    await h.orchestrator.deploy(changed);
    assert.notEqual((await h.orchestrator.inspect('local', name)).pid, after.pid);
    await waitHealthy(port);
    spec = changed;
  });

  test('logs returns the last lines of the tenant log, supervisor events included', async () => {
    const text = await h.orchestrator.logs('local', name, { tail: 1000 });
    assert.match(text, /"msg":"instance ready"/);
    assert.match(text, /exited \(killed by SIGKILL\); restarting in 100 ms/);
    const three = await h.orchestrator.logs('local', name, { tail: 3 });
    assert.equal(three.split('\n').length, 3);
    assert.equal(await h.orchestrator.logs('local', 'no-such-stack'), '');
  });

  test('secrets never reach the platform logs, the argv or the tenant log', async () => {
    const pid = (await h.orchestrator.inspect('local', name)).pid as number;
    const argv = commandLine(pid);
    const platformLogs = h.logs.text();
    const tenantLog = await h.orchestrator.logs('local', name, { tail: 100_000 });
    assert.ok(platformLogs.includes('tenant process started'));
    for (const secret of secrets) {
      assert.ok(!argv.includes(secret), 'argv');
      assert.ok(!platformLogs.includes(secret), 'platform logs');
      assert.ok(!tenantLog.includes(secret), 'tenant log');
    }
  });

  test('remove stops the process, drops database and role, deletes the files; removing again is fine', async () => {
    await h.orchestrator.remove('local', name);
    assert.equal(await health(port), null);
    assert.deepEqual(tenantPids(name), []);
    assert.deepEqual(await counts(), { roles: 0, databases: 0 });
    assert.ok(!existsSync(path.join(h.dataDir, 'tenants', name)));
    assert.equal((await h.orchestrator.inspect('local', name)).state, 'missing');
    assert.equal((await h.orchestrator.inspectAll('local')).size, 0);
    await h.orchestrator.remove('local', name);
    await h.orchestrator.stop('local', name);
  });

});
