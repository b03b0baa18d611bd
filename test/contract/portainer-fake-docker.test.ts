// Contract tests of the fake Portainer, reference §8 behaviour 16: the Docker proxy (containers, swarm services
// and tasks, logs, volumes), and the container health the fake simulates.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort } from '../../src/db/embedded-postgres.ts';
import type { PublicStack } from '../fakes/portainer/fake-portainer.ts';
import { composeFile, demultiplex, setup, waitUntil } from './portainer-fake-helpers.ts';
import type { ErrorBody } from './portainer-fake-helpers.ts';

test('16. Docker proxy: containers honour all and label filters with State/Status (Health from API 1.52); services and tasks by namespace; /swarm; framed logs', async (t) => {
  const { fake, client } = await setup(t, { latency: { healthyAfterMs: 60_000 } });
  await client.createStack(1, 'web', composeFile(41023));
  const list = (await client.containers(1, { label: ['com.docker.compose.project=web', 'com.docker.compose.service=app'] })).json as { Names: string[]; State: string; Status: string; Labels: Record<string, string>; Health?: unknown }[];
  assert.equal(list.length, 1);
  assert.deepEqual(list[0]!.Names, ['/web-app-1']);
  assert.equal(list[0]!.State, 'running');
  assert.match(list[0]!.Status, /^Up .* \(health: starting\)$/);
  assert.equal(list[0]!.Health, undefined);
  const versioned = await client.call('GET', `/api/endpoints/1/docker/v1.52/containers/json?filters=${encodeURIComponent('{"label":["erpbtp.stack"]}')}`);
  assert.deepEqual((versioned.json as { Health: unknown }[])[0]!.Health, { Status: 'starting', FailingStreak: 0 });

  fake.crash(1, 'web', 'db', 3);
  assert.equal(((await client.containers(1, { label: ['com.docker.compose.project=web'] }, false)).json as unknown[]).length, 1, 'without all=1 only running');
  const exited = ((await client.containers(1, { label: ['com.docker.compose.service=db'] })).json as { State: string; Status: string }[])[0]!;
  assert.equal(exited.State, 'exited');
  assert.match(exited.Status, /^Exited \(3\) /);

  const swarm = (await client.createSwarmStack(2, 'svc', composeFile(41024), fake.swarmId(2))).json as PublicStack;
  const filter = encodeURIComponent(JSON.stringify({ label: [`com.docker.stack.namespace=${swarm.Name}`] }));
  const services = (await client.call('GET', `/api/endpoints/2/docker/services?status=true&filters=${filter}`)).json as { Spec: { Name: string }; ServiceStatus: { DesiredTasks: number } }[];
  assert.deepEqual(services.map((s) => s.Spec.Name).sort(), ['svc_app', 'svc_db']);
  assert.equal(services[0]!.ServiceStatus.DesiredTasks, 1);
  const tasks = (await client.call('GET', `/api/endpoints/2/docker/tasks?filters=${filter}`)).json as { Status: { State: string }; DesiredState: string }[];
  assert.equal(tasks.length, 2);
  assert.deepEqual(tasks.map((x) => x.DesiredState), ['running', 'running']);

  assert.equal(((await client.call('GET', '/api/endpoints/2/docker/swarm')).json as { ID: string }).ID, fake.swarmId(2));
  const notSwarm = await client.call('GET', '/api/endpoints/1/docker/swarm');
  assert.equal(notSwarm.status, 503);
  assert.match((notSwarm.json as ErrorBody).message, /^This node is not a swarm manager/);

  const app = fake.containers(1).find((c) => c.service === 'app')!;
  fake.appendLog(1, 'web', 'app', 'GET /health 200', 1);
  const logs = await client.call('GET', `/api/endpoints/1/docker/containers/${app.Id}/logs?stdout=1&stderr=1&tail=3`);
  const frames = demultiplex(logs.raw);
  assert.deepEqual(frames.map((f) => f.stream), [2, 1, 1]);
  assert.equal(frames.at(-1)!.text, 'GET /health 200\n');
  const noStream = await client.call('GET', `/api/endpoints/1/docker/containers/${app.Id}/logs?tail=3`);
  assert.equal(noStream.status, 400);
  assert.deepEqual(Object.keys(noStream.json as object), ['message']);
});

test('16b. an unreachable engine: the proxy answers 502 with an empty body; creates fail 500 Unable to check for name collision', async (t) => {
  const { fake, client } = await setup(t);
  fake.setEngineReachable(1, false);
  const proxied = await client.containers(1, {});
  assert.equal(proxied.status, 502);
  assert.equal(proxied.raw.length, 0);
  const create = await client.createStack(1, 'web', composeFile(41025));
  assert.equal(create.status, 500);
  assert.equal((create.json as ErrorBody).message, 'Unable to check for name collision');
});

test('named volumes outlive stop and delete (compose down keeps them); the proxy lists them by label and removes unused ones', async (t) => {
  const { fake, client } = await setup(t);
  const file = `${composeFile(41045)}    volumes: ["data:/var/lib/postgresql/data"]\nvolumes:\n  data:\n    labels: { erpbtp.stack: "yes" }\n`;
  const { Id } = (await client.createStack(1, 'web', file)).json as PublicStack;
  const filter = encodeURIComponent(JSON.stringify({ label: ['com.docker.compose.project=web'] }));
  const listed = (await client.call('GET', `/api/endpoints/1/docker/volumes?filters=${filter}`)).json as { Volumes: { Name: string; Labels: Record<string, string> }[] };
  assert.deepEqual(listed.Volumes.map((v) => [v.Name, v.Labels['erpbtp.stack']]), [['web_data', 'yes']]);
  const inUse = await client.call('DELETE', '/api/endpoints/1/docker/volumes/web_data');
  assert.equal(inUse.status, 409);
  assert.match((inUse.json as ErrorBody).message, /^remove web_data: volume is in use/);
  await client.call('POST', `/api/stacks/${Id}/stop?endpointId=1`);
  await client.call('DELETE', `/api/stacks/${Id}?endpointId=1`);
  assert.deepEqual(fake.volumes(1).map((v) => v.Name), ['web_data']);
  assert.equal((await client.call('DELETE', '/api/endpoints/1/docker/volumes/web_data')).status, 204);
  assert.equal((await client.call('DELETE', '/api/endpoints/1/docker/volumes/web_data')).status, 404);
});

test('health: containers with a healthcheck are starting, then healthy after healthyAfterMs; tests can make them unhealthy or crash them', async (t) => {
  const { fake, client } = await setup(t, { latency: { healthyAfterMs: 100 } });
  await client.createStack(1, 'web', composeFile(41042));
  const status = async () => ((await client.containers(1, { label: ['com.docker.compose.service=app'] })).json as { Status: string }[])[0]!.Status;
  assert.match(await status(), /\(health: starting\)$/);
  await waitUntil(async () => (await status()).endsWith('(healthy)'), 'the app to become healthy');
  fake.makeUnhealthy(1, 'web', 'app');
  assert.match(await status(), /\(unhealthy\)$/);

  await client.createSwarmStack(2, 'svc', composeFile(41043), fake.swarmId(2));
  fake.makeUnhealthy(2, 'svc', 'app');
  const tasks = fake.tasks(2).filter((task) => fake.services(2).find((s) => s.ID === task.serviceId)?.service === 'app');
  assert.deepEqual(tasks.map((task) => [task.desiredState, task.err !== '']).sort(), [['running', false], ['shutdown', true]], 'the unhealthy task is replaced');
});

test('demo mode: published ports of running containers answer GET /health as their healthcheck says', async (t) => {
  const { fake, client } = await setup(t, { servePublishedPorts: true, latency: { healthyAfterMs: 300 } });
  const port = await freePort();
  const { Id } = (await client.createStack(1, 'web', composeFile(port))).json as PublicStack;
  const health = async () => {
    const response = await fetch(`http://127.0.0.1:${port}/health`).catch(() => null);
    await response?.arrayBuffer();
    return response?.status ?? 0;
  };
  await waitUntil(async () => (await health()) === 200, 'the instance to answer 200 once healthy');
  fake.makeUnhealthy(1, 'web', 'app');
  assert.equal(await health(), 503);
  await client.call('POST', `/api/stacks/${Id}/stop?endpointId=1`);
  await waitUntil(async () => (await health()) === 0, 'the port to close with the stack stopped');
});
