// Contract tests of the fake Portainer's test controls: injected faults, downtime, restarts, the call log.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composeFile, setup } from './portainer-fake-helpers.ts';

test('faults: injected statuses, 502 with an empty body, hangs, dropped connections, downtime and restarts', async (t) => {
  const { fake, client } = await setup(t);
  fake.addFault({ match: 'GET /api/stacks', kind: 'status', status: 503, message: 'maintenance' });
  assert.equal((await client.call('GET', '/api/stacks')).status, 503);
  assert.equal((await client.call('GET', '/api/stacks')).status, 200, 'a fault applies once by default');

  fake.addFault({ match: /^GET \/api\/endpoints$/, kind: 'status', status: 502, times: 2 });
  const proxy = await client.call('GET', '/api/endpoints');
  assert.deepEqual([proxy.status, proxy.raw.length], [502, 0]);

  fake.addFault({ match: 'GET /api/stacks', kind: 'hang' });
  await assert.rejects(client.call('GET', '/api/stacks', { signal: AbortSignal.timeout(100) }), { name: 'TimeoutError' });
  fake.addFault({ match: 'GET /api/stacks', kind: 'drop' });
  await assert.rejects(client.call('GET', '/api/stacks'), TypeError);
  fake.clearFaults();

  fake.goDown();
  await assert.rejects(client.call('GET', '/api/stacks'), (err: Error) => /ECONNREFUSED/.test(String((err.cause as Error)?.message ?? err.cause)));
  await fake.comeBack();
  assert.equal((await client.call('GET', '/api/stacks')).status, 200);

  const jwt = await client.login();
  await fake.restart(50);
  assert.equal((await client.call('GET', '/api/stacks', { auth: { jwt } })).status, 401);
});

test('the call log counts calls per route, with their status', async (t) => {
  const { fake, client } = await setup(t);
  await client.createStack(1, 'web', composeFile(41044));
  await client.call('GET', '/api/stacks');
  await client.call('GET', '/api/stacks');
  const counts = fake.callCounts();
  assert.equal(counts['GET /api/stacks'], 2);
  assert.equal(counts['POST /api/stacks/create/:type/:method'], 1);
  assert.equal(fake.callCount('/api/stacks'), 3);
  assert.deepEqual(fake.calls().map((c) => c.status), [200, 200, 200]);
});
