// The Portainer driver's normal paths against the fake: standalone and swarm chosen per environment, our marks
// on every stack, health from one Docker-proxy listing, stop/start/update/remove, logs, domain mode.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { OWNER_VARIABLE, STACK_LABEL } from '../../../../src/orchestrators/portainer/stack-identity.ts';
import { calls, ROUTES, setup, STANDALONE, stackSpec, SWARM, uniqueName, waitFor } from './helpers.ts';

type ComposeDoc = { services: Record<string, { ports?: string[]; labels?: Record<string, string>; environment?: Record<string, string> }> };

test('deploys a Compose stack on a standalone environment, marked as ours, starting then running', async (t) => {
  const { fake, orchestrator } = await setup(t, {}, { latency: { healthyAfterMs: 150 } });
  const name = uniqueName();
  const { externalId } = await orchestrator.deploy(stackSpec(name, STANDALONE, 41101));
  const [stack] = fake.stacks();
  assert.equal(externalId, String(stack!.Id));
  assert.equal(stack!.Type, 2);
  assert.equal(stack!.Name, name);
  assert.deepEqual(stack!.Env, [{ name: OWNER_VARIABLE, value: name }]);
  const file = parse(fake.stackFile(stack!.Id)!) as ComposeDoc;
  assert.deepEqual(file.services.app!.ports, ['41101:8080']);
  assert.equal(file.services.app!.environment!.CLIENT_NAME, 'Charpente Martin & Fils "$$HOME"', 'values escaped for Compose');
  assert.ok(fake.containers(1).every((c) => c.labels[STACK_LABEL] === name));

  assert.equal((await orchestrator.inspect(STANDALONE, name)).state, 'starting');
  const running = await waitFor('running', async () => {
    const status = await orchestrator.inspect(STANDALONE, name);
    return status.state === 'running' && status;
  });
  assert.deepEqual(running.containers.map((c) => [c.name, c.state]), [[`${name}-app-1`, 'running'], [`${name}-db-1`, 'running']]);
  assert.match(running.containers[0]!.status, /\(healthy\)$/);
});

test('deploys a Swarm stack on a swarm environment, with the cluster id from /docker/swarm', async (t) => {
  const { fake, orchestrator } = await setup(t, {}, { latency: { healthyAfterMs: 150 } });
  const name = uniqueName();
  await orchestrator.deploy(stackSpec(name, SWARM, 41102));
  const [stack] = fake.stacks();
  assert.equal(stack!.Type, 1);
  assert.equal(stack!.SwarmId, fake.swarmId(2));
  assert.ok(fake.services(2).every((s) => s.labels[STACK_LABEL] === name && s.containerLabels[STACK_LABEL] === name));
  const starting = await orchestrator.inspect(SWARM, name);
  assert.equal(starting.state, 'starting');
  assert.deepEqual(starting.containers.map((c) => c.name).sort(), [`${name}_app.1`, `${name}_db.1`]);
  await waitFor('running', async () => (await orchestrator.inspect(SWARM, name)).state === 'running');
});

test('inspectAll lists our stacks in one Docker-proxy call per environment (services + tasks on swarm), whatever their number', async (t) => {
  const { fake, orchestrator } = await setup(t);
  const names = Array.from({ length: 30 }, (_, i) => `many-${i}`);
  await Promise.all(names.map((name, i) => orchestrator.deploy(stackSpec(name, STANDALONE, 41200 + i))));
  const swarmNames = ['sw-1', 'sw-2', 'sw-3'];
  await Promise.all(swarmNames.map((name, i) => orchestrator.deploy(stackSpec(name, SWARM, 41300 + i))));
  // A stack that is not ours, on the same environment.
  await fetch(`${fake.url}/api/stacks/create/standalone/string?endpointId=1`, {
    method: 'POST',
    headers: { 'X-API-Key': fake.apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'foreign', stackFileContent: 'services:\n  web:\n    image: nginx\n' }),
  });
  fake.crash(1, 'many-3', 'db', 1);
  fake.makeUnhealthy(1, 'many-4', 'app');
  fake.resetCalls();

  const standalone = await orchestrator.inspectAll(STANDALONE);
  assert.deepEqual([...standalone.keys()].sort(), [...names].sort());
  assert.deepEqual(fake.callCounts(), { [ROUTES.containers]: 1 });
  assert.equal(standalone.get('many-0')!.state, 'running');
  assert.equal(standalone.get('many-3')!.state, 'exited');
  assert.match(standalone.get('many-3')!.containers.find((c) => c.name.endsWith('db-1'))!.status, /^Exited \(1\)/);
  assert.equal(standalone.get('many-4')!.state, 'unhealthy');

  // Swarm kills an unhealthy task and starts another, which stays `starting` until its healthcheck passes.
  fake.setLatency({ healthyAfterMs: 60_000 });
  fake.makeUnhealthy(2, 'sw-2', 'app');
  fake.resetCalls();
  const swarm = await orchestrator.inspectAll(SWARM);
  assert.deepEqual([...swarm.keys()].sort(), swarmNames);
  assert.deepEqual(fake.callCounts(), { [ROUTES.services]: 1, [ROUTES.tasks]: 1 });
  assert.equal(swarm.get('sw-1')!.state, 'starting');
  assert.equal(swarm.get('sw-2')!.state, 'unhealthy');
  assert.match(swarm.get('sw-2')!.containers.find((c) => c.name === 'sw-2_app.1')!.status, /previous task: failed .*unhealthy container/);
});

test('stop removes the containers (inspect: exited) and start brings them back; both are idempotent', async (t) => {
  const { fake, orchestrator } = await setup(t);
  const name = uniqueName();
  await orchestrator.deploy(stackSpec(name, STANDALONE, 41103));
  await orchestrator.stop(STANDALONE, name);
  await orchestrator.stop(STANDALONE, name);
  assert.equal(fake.containers(1).length, 0);
  assert.equal(fake.stacks()[0]!.Status, 2);
  assert.deepEqual(await orchestrator.inspect(STANDALONE, name), { name, state: 'exited', containers: [] });

  await orchestrator.start(STANDALONE, name);
  await orchestrator.start(STANDALONE, name);
  assert.equal(fake.containers(1).length, 2);
  assert.equal((await orchestrator.inspect(STANDALONE, name)).state, 'running');
  await orchestrator.stop(STANDALONE, 'never-deployed');
  await assert.rejects(orchestrator.start(STANDALONE, 'never-deployed'), { transient: false, message: /has no stack never-deployed/ });
});

test('update sends the full file and env, keeps a stopped stack stopped, and creates a missing stack', async (t) => {
  const { fake, orchestrator } = await setup(t);
  const name = uniqueName();
  const spec = stackSpec(name, SWARM, 41104);
  await orchestrator.deploy(spec);
  await orchestrator.update({ ...spec, variables: { ...spec.variables, CLIENT_NAME: 'Charpente Martin SA' } });
  const [stack] = fake.stacks();
  assert.match(fake.stackFile(stack!.Id)!, /Charpente Martin SA/);
  assert.deepEqual(stack!.Env, [{ name: OWNER_VARIABLE, value: name }], 'the env is sent in full, not wiped');
  assert.ok(stack!.UpdateDate > 0);

  await orchestrator.stop(SWARM, name);
  await orchestrator.update({ ...spec, variables: { ...spec.variables, PLAN: 'pro' } });
  assert.equal(fake.stacks()[0]!.Status, 2, 'a suspended stack stays stopped');
  assert.equal(fake.services(2).length, 0);
  assert.match(fake.stackFile(stack!.Id)!, /"pro"/);

  const other = uniqueName();
  await orchestrator.update(stackSpec(other, STANDALONE, 41105));
  assert.ok(fake.stacks().some((s) => s.Name === other));
});

test('remove deletes the stack and its named volumes; removing again, or a stack never deployed, succeeds', async (t) => {
  const { fake, orchestrator } = await setup(t);
  const compose = uniqueName();
  const swarm = uniqueName();
  await orchestrator.deploy(stackSpec(compose, STANDALONE, 41106));
  await orchestrator.deploy(stackSpec(swarm, SWARM, 41107));
  assert.deepEqual(fake.volumes().map((v) => v.Name).sort(), [`${compose}_db-data`, `${swarm}_db-data`].sort());
  await orchestrator.remove(STANDALONE, compose);
  await orchestrator.remove(SWARM, swarm);
  await orchestrator.remove(SWARM, swarm);
  await orchestrator.remove(STANDALONE, 'never-deployed');
  assert.deepEqual([fake.stacks().length, fake.containers().length, fake.services().length, fake.volumes().length], [0, 0, 0, 0]);
  assert.equal((await orchestrator.inspect(STANDALONE, compose)).state, 'missing');
});

test('logs: the last lines of the stack, demultiplexed, in time order, each with its service', async (t) => {
  const { fake, orchestrator } = await setup(t);
  const compose = uniqueName();
  const swarm = uniqueName();
  await orchestrator.deploy(stackSpec(compose, STANDALONE, 41108));
  await orchestrator.deploy(stackSpec(swarm, SWARM, 41109));
  fake.appendLog(1, compose, 'app', 'GET /health 200', 1);
  fake.appendLog(1, compose, 'db', 'checkpoint complete', 2);
  const lines = (await orchestrator.logs(STANDALONE, compose, { tail: 2 })).split('\n');
  assert.deepEqual(lines, ['app | GET /health 200', 'db | checkpoint complete']);
  const all = await orchestrator.logs(STANDALONE, compose);
  assert.match(all, /^app \| app: starting /m);
  assert.ok(!all.includes('\u0000'), 'no frame headers left');
  fake.appendLog(2, swarm, 'app', 'swarm says hello', 1);
  assert.match(await orchestrator.logs(SWARM, swarm, { tail: 1 }), new RegExp(`^${swarm}_app \\| swarm says hello$`));
  assert.equal(await orchestrator.logs(STANDALONE, 'never-deployed'), '');
});

test('domain mode: Traefik labels from TENANT_URL_TEMPLATE, no published port', async (t) => {
  const { fake, orchestrator } = await setup(t, { domainTemplate: 'https://{name}.erp-btp.test' });
  const name = uniqueName();
  await orchestrator.deploy(stackSpec(name, STANDALONE, null));
  const file = parse(fake.stackFile(fake.stacks()[0]!.Id)!) as ComposeDoc;
  assert.equal(file.services.app!.ports, undefined);
  assert.equal(file.services.app!.labels![`traefik.http.routers.${name}.rule`], `Host(\`${name}.erp-btp.test\`)`);
  assert.equal((await orchestrator.inspect(STANDALONE, name)).state, 'running');
});

test('a provisioning costs at most 6 Portainer calls, whatever the number of existing stacks', async (t) => {
  const { fake, orchestrator, another } = await setup(t);
  // 200 existing stacks, made 20 at a time: all at once, on a loaded machine, some waited longer than the client's
  // 5 s timeout behind the fake's deploy lock (what is measured is the fresh driver's calls, not this).
  for (let batch = 0; batch < 200; batch += 20) {
    await Promise.all(Array.from({ length: 20 }, (_, i) => orchestrator.deploy(stackSpec(`existing-${batch + i}`, STANDALONE, 42000 + batch + i))));
  }
  const fresh = another();
  fake.resetCalls();
  const name = uniqueName();
  await fresh.deploy(stackSpec(name, STANDALONE, 41110));
  assert.equal((await fresh.inspect(STANDALONE, name)).state, 'running');
  assert.deepEqual(fake.callCounts(), { [ROUTES.swarm]: 1, [ROUTES.list]: 1, [ROUTES.create]: 1, [ROUTES.containers]: 1 });
});

test('a deploy of a stack that exists adopts it (one update, no second create), from this driver or another', async (t) => {
  const { fake, orchestrator, another } = await setup(t);
  const spec = stackSpec(uniqueName(), STANDALONE, 41111);
  const first = await orchestrator.deploy(spec);
  const again = await orchestrator.deploy(spec);
  const fromAnother = await another().deploy(spec);
  assert.deepEqual([again.externalId, fromAnother.externalId], [first.externalId, first.externalId]);
  assert.equal(fake.stacks().length, 1);
  assert.equal(calls(fake, ROUTES.create), 1);
  assert.equal(calls(fake, ROUTES.update), 2);
});

test('describeEnvironments reports each configured environment: type, standalone or swarm, status, problems', async (t) => {
  const { orchestrator } = await setup(t, { environments: ['1', '2', '5', '9'] }, {
    environments: [{ id: 1, name: 'docker-1' }, { id: 2, name: 'cluster', swarm: true, type: 2 }, { id: 5, name: 'k8s', type: 5, status: 2 }],
  });
  const reports = await orchestrator.describeEnvironments();
  assert.deepEqual(
    reports.map((r) => [r.id, r.name, r.type, r.mode, r.status, r.problem === null]),
    [
      ['1', 'docker-1', 'Docker', 'standalone', 'up', true],
      ['2', 'cluster', 'Agent', 'swarm', 'up', true],
      ['5', 'k8s', 'Kubernetes (local)', 'unsupported', 'down', false],
      ['9', null, 'unknown', 'unknown', 'not found', false],
    ],
  );
  assert.match(reports[1]!.swarmId!, /^[a-z0-9]{25}$/);
});
