// Contract tests of the fake Portainer, reference §8 behaviours 5-15, 18 and 19: stacks (names, create, conflicts,
// failures, start/stop/update/delete, list filters, endpointId, Kubernetes, the global deploy lock).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import type { PublicStack } from '../fakes/portainer/fake-portainer.ts';
import { composeFile, setup, waitUntil } from './portainer-fake-helpers.ts';
import type { ErrorBody } from './portainer-fake-helpers.ts';

test('5. names are normalised: lower-cased, everything outside [-_a-z0-9] dropped, normalised Name returned', async (t) => {
  const { client } = await setup(t);
  const reply = await client.createStack(1, 'My.App Été_2-x!', composeFile(41001));
  assert.equal(reply.status, 200);
  assert.equal((reply.json as PublicStack).Name, 'myappt_2-x');
  const containers = await client.containers(1, { label: ['com.docker.compose.project=myappt_2-x'] });
  assert.equal((containers.json as unknown[]).length, 2);
});

test('6. 409 on a name taken on the same environment (swarm: also by namespace services), allowed on another environment', async (t) => {
  const { fake, client } = await setup(t, { environments: [{ id: 1, name: 'a' }, { id: 3, name: 'b' }, { id: 2, name: 's', swarm: true }] });
  assert.equal((await client.createStack(1, 'web', composeFile(41002))).status, 200);
  const conflict = await client.createStack(1, 'WEB', composeFile(41003));
  assert.equal(conflict.status, 409);
  const message = "A stack with the normalized name 'web' already exists";
  assert.deepEqual(conflict.json, { message, details: message });
  assert.equal((await client.createStack(3, 'web', composeFile(41002))).status, 200, 'another environment');

  const swarmId = fake.swarmId(2);
  assert.equal((await client.createSwarmStack(2, 'svc', composeFile(41004), swarmId)).status, 200);
  const stackId = fake.stacks().find((s) => s.Name === 'svc')!.Id;
  // Services left in the namespace without a Portainer record still count.
  assert.equal((await client.call('DELETE', `/api/stacks/${stackId}?endpointId=2`)).status, 204);
  assert.equal((await client.createSwarmStack(2, 'svc', composeFile(41004), swarmId)).status, 200);
  assert.equal((await client.createSwarmStack(2, 'svc', composeFile(41004), swarmId)).status, 409);
});

test('7. create returns 200 + Stack (not 201); ids increase and are never reused, even after failed creates and deletes', async (t) => {
  const { fake, client } = await setup(t);
  const first = await client.createStack(1, 'alpha', composeFile(41005));
  assert.equal(first.status, 200);
  const stack = first.json as PublicStack;
  assert.equal(stack.Type, 2);
  assert.equal(stack.Status, 1);
  assert.equal(stack.SwarmId, '');
  assert.equal(stack.Env, null);
  assert.equal(stack.EntryPoint, 'docker-compose.yml');
  assert.equal(stack.ProjectPath, `/data/compose/${stack.Id}`);
  assert.equal(stack.CreatedBy, fake.adminUsername);
  assert.equal(stack.UpdateDate, 0);
  assert.equal(stack.UpdatedBy, '');
  assert.ok(Math.abs(stack.CreationDate - Date.now() / 1000) < 60);
  assert.equal(stack.ResourceControl.ResourceId, `1_alpha`);
  assert.equal(stack.ResourceControl.Type, 6);
  assert.ok(!('file' in stack));

  fake.failNextDeploy('pull access denied for erp-btp');
  assert.equal((await client.createStack(1, 'beta', composeFile(41006))).status, 500);
  assert.equal((await client.call('DELETE', `/api/stacks/${stack.Id}?endpointId=1`)).status, 204);
  const third = (await client.createStack(1, 'alpha', composeFile(41005))).json as PublicStack;
  assert.equal(third.Id, stack.Id + 2, 'the failed create used up an id; the deleted id is not reused');
});

test('8. a failed create (500 failed to deploy a stack: …) leaves no record and no containers', async (t) => {
  const { fake, client } = await setup(t);
  await client.createStack(1, 'holder', composeFile(41007));
  const clash = await client.createStack(1, 'clash', composeFile(41007));
  assert.equal(clash.status, 500);
  const body = clash.json as ErrorBody;
  assert.match(body.message, /^failed to deploy a stack: .*Bind for 0\.0\.0\.0:41007 failed: port is already allocated/);
  assert.equal(body.details, `F${body.message.slice(1)}`);
  fake.failNextDeploy('yaml: line 3: mapping values are not allowed in this context');
  const injected = await client.createStack(1, 'broken', composeFile(41008));
  assert.equal((injected.json as ErrorBody).message, 'failed to deploy a stack: yaml: line 3: mapping values are not allowed in this context');
  const invalidYaml = await client.createStack(1, 'invalid', 'services: [');
  assert.match((invalidYaml.json as ErrorBody).message, /^failed to deploy a stack: yaml: /);
  const badProject = await client.createStack(1, '-x', composeFile(41009));
  assert.match((badProject.json as ErrorBody).message, /invalid project name "-x"/);
  assert.deepEqual(fake.stacks().map((s) => s.Name), ['holder']);
  assert.deepEqual(new Set(fake.containers(1).map((c) => c.project)), new Set(['holder']));
});

test('9. swarm create without swarmID is 400 Invalid Swarm ID; on a non-swarm environment 500 Unable to check for name collision', async (t) => {
  const { fake, client } = await setup(t);
  const noId = await client.call('POST', '/api/stacks/create/swarm/string?endpointId=2', { body: { name: 'web', stackFileContent: composeFile(41010) } });
  assert.equal(noId.status, 400);
  assert.deepEqual(noId.json, { message: 'Invalid request payload', details: 'Invalid Swarm ID' });
  const standalone = await client.createSwarmStack(1, 'web', composeFile(41010), 'anything');
  assert.equal(standalone.status, 500);
  assert.equal((standalone.json as ErrorBody).message, 'Unable to check for name collision');
  assert.match((standalone.json as ErrorBody).details!, /not a swarm manager/);
  const created = (await client.createSwarmStack(2, 'web', composeFile(41010), fake.swarmId(2))).json as PublicStack;
  assert.equal(created.Type, 1);
  assert.equal(created.SwarmId, fake.swarmId(2));
});

test('10. stop makes the stack inactive (200 + Stack) and removes its containers; stopping an inactive stack is 400', async (t) => {
  const { client } = await setup(t);
  const { Id } = (await client.createStack(1, 'web', composeFile(41011))).json as PublicStack;
  const stopped = await client.call('POST', `/api/stacks/${Id}/stop?endpointId=1`);
  assert.equal(stopped.status, 200);
  assert.equal((stopped.json as PublicStack).Status, 2);
  assert.deepEqual((await client.containers(1, { label: ['com.docker.compose.project=web'] })).json, []);
  const again = await client.call('POST', `/api/stacks/${Id}/stop?endpointId=1`);
  assert.equal(again.status, 400);
  assert.equal((again.json as ErrorBody).message, 'Stack is already inactive');
});

test('11. start: inactive → active with new containers; active with containers → 409; active without containers → 400', async (t) => {
  const { fake, client } = await setup(t);
  const { Id } = (await client.createStack(1, 'web', composeFile(41012))).json as PublicStack;
  const before = fake.containers(1).map((c) => c.Id);
  const running = await client.call('POST', `/api/stacks/${Id}/start?endpointId=1`);
  assert.equal(running.status, 409);
  assert.equal((running.json as ErrorBody).message, "A stack with the name 'web' is already running");

  await client.call('POST', `/api/stacks/${Id}/stop?endpointId=1`);
  const started = await client.call('POST', `/api/stacks/${Id}/start?endpointId=1`);
  assert.equal(started.status, 200);
  assert.equal((started.json as PublicStack).Status, 1);
  const after = fake.containers(1).map((c) => c.Id);
  assert.equal(after.length, 2);
  assert.ok(after.every((id) => !before.includes(id)), 'new container ids');

  // A failed update tears the containers down while Status stays 1.
  fake.failNextDeploy('Error response from daemon: manifest unknown');
  await client.call('PUT', `/api/stacks/${Id}?endpointId=1`, { body: { stackFileContent: composeFile(41012) } });
  const active = await client.call('POST', `/api/stacks/${Id}/start?endpointId=1`);
  assert.equal(active.status, 400);
  assert.equal((active.json as ErrorBody).message, 'Stack is already active');
});

test('12. update needs endpointId and the file, replaces Env wholesale, sets Status 1 and UpdateDate/UpdatedBy; a failed compose update removes containers', async (t) => {
  const { fake, client } = await setup(t);
  const env = [{ name: 'A', value: '1' }, { name: 'B', value: '2' }];
  const { Id } = (await client.createStack(1, 'web', composeFile(41013), env)).json as PublicStack;
  const noEndpoint = await client.call('PUT', `/api/stacks/${Id}`, { body: { stackFileContent: composeFile(41013) } });
  assert.equal(noEndpoint.status, 400);
  assert.equal((noEndpoint.json as ErrorBody).message, 'Invalid query parameter: endpointId');
  const noFile = await client.call('PUT', `/api/stacks/${Id}?endpointId=1`, { body: { env } });
  assert.deepEqual(noFile.json, { message: 'Invalid request payload', details: 'Invalid stack file content' });

  await client.call('POST', `/api/stacks/${Id}/stop?endpointId=1`);
  const updated = await client.call('PUT', `/api/stacks/${Id}?endpointId=1`, { body: { stackFileContent: composeFile(41014), env: [{ name: 'C', value: '3' }] } });
  assert.equal(updated.status, 200);
  const stack = updated.json as PublicStack;
  assert.deepEqual(stack.Env, [{ name: 'C', value: '3' }]);
  assert.equal(stack.Status, 1, 'update also starts a stopped stack');
  assert.ok(stack.UpdateDate > 0);
  assert.equal(stack.UpdatedBy, fake.adminUsername);
  assert.equal(fake.containers(1).length, 2);

  const wiped = await client.call('PUT', `/api/stacks/${Id}?endpointId=1`, { body: { stackFileContent: composeFile(41014) } });
  assert.equal((wiped.json as PublicStack).Env, null, 'leaving env out clears it');

  fake.failNextDeploy('Error response from daemon: manifest unknown');
  const failed = await client.call('PUT', `/api/stacks/${Id}?endpointId=1`, { body: { stackFileContent: composeFile(41015) } });
  assert.equal(failed.status, 500);
  assert.equal(fake.containers(1).length, 0);
  assert.equal(fake.stackFile(Id), composeFile(41014), 'the stored file is rolled back');
  assert.equal(fake.stacks()[0]!.Status, 1);
});

test('13. delete answers 204 with no body, a second delete 404; the containers and services go away', async (t) => {
  const { fake, client } = await setup(t);
  const compose = (await client.createStack(1, 'web', composeFile(41016))).json as PublicStack;
  const swarm = (await client.createSwarmStack(2, 'svc', composeFile(41017), fake.swarmId(2))).json as PublicStack;
  const deleted = await client.call('DELETE', `/api/stacks/${compose.Id}?endpointId=1`);
  assert.equal(deleted.status, 204);
  assert.equal(deleted.raw.length, 0);
  const second = await client.call('DELETE', `/api/stacks/${compose.Id}?endpointId=1`);
  assert.equal(second.status, 404);
  assert.equal((second.json as ErrorBody).message, 'Unable to find a stack with the specified identifier inside the database');
  assert.equal((await client.call('DELETE', `/api/stacks/${swarm.Id}?endpointId=2`)).status, 204);
  assert.deepEqual([fake.containers().length, fake.services().length, fake.tasks().length, fake.stacks().length], [0, 0, 0, 0]);
});

test('14. list: [] when empty; EndpointID matches compose stacks only, SwarmID swarm stacks only, Kubernetes only unfiltered; bad filters 400', async (t) => {
  const { fake, client } = await setup(t, { environments: [{ id: 1, name: 'local' }, { id: 2, name: 'swarm', swarm: true }, { id: 5, name: 'k8s', type: 5 }] });
  assert.deepEqual((await client.call('GET', '/api/stacks')).json, []);
  await client.createStack(1, 'compose1', composeFile(41018));
  await client.createStack(2, 'compose2', composeFile(41019));
  await client.createSwarmStack(2, 'swarm2', composeFile(41020), fake.swarmId(2));
  await client.call('POST', '/api/stacks/create/kubernetes/string?endpointId=5', { body: { stackName: 'kube', namespace: 'default', stackFileContent: 'kind: Pod' } });
  const names = async (filters?: unknown) => {
    const query = filters === undefined ? '' : `?filters=${encodeURIComponent(JSON.stringify(filters))}`;
    return ((await client.call('GET', `/api/stacks${query}`)).json as PublicStack[]).map((s) => s.Name).sort();
  };
  assert.deepEqual(await names(), ['compose1', 'compose2', 'kube', 'swarm2']);
  assert.deepEqual(await names({ EndpointID: 2 }), ['compose2']);
  assert.deepEqual(await names({ SwarmID: fake.swarmId(2) }), ['swarm2']);
  assert.deepEqual(await names({ endpointid: 2, swarmid: fake.swarmId(2) }), ['compose2', 'swarm2']);
  const bad = await client.call('GET', `/api/stacks?filters=${encodeURIComponent('{"EndpointID":')}`);
  assert.equal(bad.status, 400);
  assert.equal((bad.json as ErrorBody).message, 'Invalid query parameter: filters');
});

test('15. a missing or non-numeric endpointId is 400 on create, start, stop and update; an unknown environment is 404', async (t) => {
  const { client } = await setup(t);
  const { Id } = (await client.createStack(1, 'web', composeFile(41021))).json as PublicStack;
  const body = { name: 'x', stackFileContent: composeFile(41022) };
  const cases: [string, string, unknown][] = [
    ['POST', '/api/stacks/create/standalone/string', body],
    ['POST', `/api/stacks/${Id}/start`, undefined],
    ['POST', `/api/stacks/${Id}/stop`, undefined],
    ['PUT', `/api/stacks/${Id}`, { stackFileContent: 'x' }],
  ];
  for (const [method, path, payload] of cases) {
    const missing = await client.call(method, path, { body: payload });
    assert.deepEqual(missing.json, { message: 'Invalid query parameter: endpointId', details: 'Missing query parameter' }, `${method} ${path}`);
    const text = await client.call(method, `${path}?endpointId=x`, { body: payload });
    assert.equal(text.status, 400);
    assert.equal((text.json as ErrorBody).details, 'Strconv.Atoi: parsing "x": invalid syntax');
    const unknown = await client.call(method, `${path}?endpointId=42`, { body: payload });
    assert.equal(unknown.status, 404, `${method} ${path} on an unknown environment`);
  }
});

test('18. a Kubernetes create returns {Output}, not a Stack; the stack only shows in an unfiltered list', async (t) => {
  const { client } = await setup(t, { environments: [{ id: 1, name: 'local' }, { id: 5, name: 'k8s', type: 5 }] });
  const wrongType = await client.call('POST', '/api/stacks/create/kubernetes/string?endpointId=1', { body: { stackName: 'kube', stackFileContent: 'kind: Pod' } });
  assert.equal(wrongType.status, 400);
  const reply = await client.call('POST', '/api/stacks/create/kubernetes/string?endpointId=5', { body: { stackName: 'kube', namespace: 'apps', stackFileContent: 'kind: Pod' } });
  assert.equal(reply.status, 200);
  assert.deepEqual(Object.keys(reply.json as object), ['Output']);
  const all = (await client.call('GET', '/api/stacks')).json as PublicStack[];
  assert.deepEqual(all.map((s) => [s.Name, s.Type, s.Namespace]), [['kube', 3, 'apps']]);
  assert.deepEqual((await client.call('GET', `/api/stacks?filters=${encodeURIComponent('{"EndpointID":5}')}`)).json, []);
});

test('19. deploys are serialised by a global lock and take deployMs; a create finishes server-side after the client gave up', async (t) => {
  const { fake, client } = await setup(t, { latency: { deployMs: 150 } });
  await Promise.all([1, 2, 3].map((i) => client.createStack(1, `s${i}`, composeFile(41030 + i))));
  assert.equal(fake.deployStats().maxConcurrent, 1);
  assert.equal(fake.deployStats().completed, 3);

  const gaveUp = client.createStack(1, 'late', composeFile(41040)).then(
    () => 'answered',
    () => 'aborted',
  );
  const abort = new AbortController();
  const aborted = client
    .call('POST', '/api/stacks/create/standalone/string?endpointId=1', { body: { name: 'orphan', stackFileContent: composeFile(41041) }, signal: abort.signal })
    .then(() => 'answered', () => 'aborted');
  await sleep(20);
  abort.abort();
  assert.equal(await aborted, 'aborted');
  assert.equal(await gaveUp, 'answered');
  await waitUntil(() => fake.stacks().some((s) => s.Name === 'orphan'), 'the abandoned create to finish');
  assert.equal((await client.createStack(1, 'orphan', composeFile(41041))).status, 409, 'a blind retry now gets 409');
});
