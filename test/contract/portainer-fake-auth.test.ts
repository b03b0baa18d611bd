// Contract tests of the fake Portainer, reference §8 behaviours 1-4 and 17: login, authentication failures,
// the login rate limiter, error bodies, environments.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { composeFile, setup } from './portainer-fake-helpers.ts';
import type { ErrorBody } from './portainer-fake-helpers.ts';

test('1. login returns 200 {jwt} with the portainer_api_key cookie; bad credentials 422; an empty field 400; keys case-insensitive', async (t) => {
  const { fake, client } = await setup(t);
  const ok = await client.call('POST', '/api/auth', { auth: 'none', body: { Username: fake.adminUsername, PASSWORD: fake.adminPassword } });
  assert.equal(ok.status, 200);
  const { jwt } = ok.json as { jwt: string };
  assert.equal(jwt.split('.').length, 3);
  assert.match(ok.headers.get('set-cookie') ?? '', new RegExp(`^portainer_api_key=${jwt.replaceAll('.', '\\.')}; .*HttpOnly; SameSite=Strict`));
  assert.equal(ok.headers.get('content-type'), 'application/json');
  assert.ok(!ok.text.endsWith('\n'));

  const wrong = await client.call('POST', '/api/auth', { auth: 'none', body: { username: fake.adminUsername, password: 'nope' } });
  assert.equal(wrong.status, 422);
  assert.deepEqual(wrong.json, { message: 'Invalid credentials', details: 'Unauthorized' });
  const unknown = await client.call('POST', '/api/auth', { auth: 'none', body: { username: 'ghost', password: 'nope' } });
  assert.equal(unknown.status, 422);

  const empty = await client.call('POST', '/api/auth', { auth: 'none', body: { username: fake.adminUsername, password: '' } });
  assert.equal(empty.status, 400);
  assert.deepEqual(empty.json, { message: 'Invalid request payload', details: 'Invalid password' });
  const garbage = await client.call('POST', '/api/auth', { auth: 'none', body: 'not json' });
  assert.deepEqual(garbage.json, { message: 'Invalid request payload', details: 'Invalid username' });

  const withJwt = await client.call('GET', '/api/endpoints', { auth: { jwt } });
  assert.equal(withJwt.status, 200);
});

test('2. auth failures: 401 missing token, 401 invalid JWT or API key, 403 both headers; expiry, logout and restart kill JWTs but not API keys', async (t) => {
  const { fake, client } = await setup(t, { jwtLifetimeMs: 300, users: [{ username: 'operator', password: 'operator-password', environments: [1] }] });
  const missing = await client.call('GET', '/api/stacks', { auth: 'none' });
  assert.equal(missing.status, 401);
  assert.deepEqual(missing.json, { message: 'A valid authorization token is missing', details: 'Unauthorized' });

  const invalid = { message: 'Invalid JWT token', details: 'Unauthorized' };
  assert.deepEqual((await client.call('GET', '/api/stacks', { auth: { jwt: 'a.b.c' } })).json, invalid);
  assert.deepEqual((await client.call('GET', '/api/stacks', { auth: { headers: { 'X-API-Key': 'ptr_unknown' } } })).json, invalid);
  // An API key sent as a Bearer token is not a JWT (issue #12810).
  assert.equal((await client.call('GET', '/api/stacks', { auth: { jwt: fake.apiKey } })).status, 401);

  const jwt = await client.login();
  const both = await client.call('GET', '/api/stacks', { auth: { headers: { 'X-API-Key': fake.apiKey, Authorization: `Bearer ${jwt}` } } });
  assert.equal(both.status, 403);
  assert.equal((both.json as ErrorBody).message, 'api key and auth header are not allowed at the same time');

  await sleep(400);
  assert.deepEqual((await client.call('GET', '/api/stacks', { auth: { jwt } })).json, invalid, 'expired');

  const fresh = await client.login();
  assert.equal((await client.call('POST', '/api/auth/logout', { auth: { jwt: fresh } })).status, 204);
  assert.equal((await client.call('GET', '/api/stacks', { auth: { jwt: fresh } })).status, 401, 'revoked');

  const operator = await client.login('operator', 'operator-password');
  const denied = await client.call('GET', '/api/endpoints/2/docker/containers/json', { auth: { jwt: operator } });
  assert.equal(denied.status, 403);
  assert.deepEqual(denied.json, { message: 'Permission denied to access environment', details: 'Access denied to environment' });
  const visible = await client.call('GET', '/api/endpoints', { auth: { jwt: operator } });
  assert.deepEqual((visible.json as { Id: number }[]).map((e) => e.Id), [1]);

  await fake.restart();
  // The restart cut the pooled keep-alive connection: the first call may hit it before its close is seen.
  const afterRestart = (options: Parameters<typeof client.call>[2]) =>
    client.call('GET', '/api/stacks', options).catch(() => client.call('GET', '/api/stacks', options));
  assert.equal((await afterRestart({ auth: { jwt: operator } })).status, 401, 'JWT from before the restart');
  assert.equal((await afterRestart({})).status, 200, 'API key after the restart');
});

test('2b. cookie-authenticated writes need X-CSRF-Token (plain-text 403); API keys cannot create API keys; a JWT can (201)', async (t) => {
  const { fake, client } = await setup(t);
  const jwt = await client.login();
  const cookie = { Cookie: `portainer_api_key=${jwt}`, 'Content-Type': 'application/json' };
  const write = await client.call('POST', '/api/stacks/create/standalone/string?endpointId=1', { auth: { headers: cookie }, body: { name: 'x', stackFileContent: composeFile(41000) } });
  assert.equal(write.status, 403);
  assert.equal(write.text, 'Forbidden - CSRF token not found in request\n');
  assert.equal((await client.call('GET', '/api/stacks', { auth: { headers: cookie } })).status, 200, 'safe methods are not checked');

  const viaKey = await client.call('POST', '/api/users/1/tokens', { body: { password: fake.adminPassword, description: 'ci' } });
  assert.equal(viaKey.status, 401);
  assert.equal((viaKey.json as ErrorBody).message, 'Auth not supported');
  const created = await client.call('POST', '/api/users/1/tokens', { auth: { jwt }, body: { password: fake.adminPassword, description: 'ci' } });
  assert.equal(created.status, 201);
  const { rawAPIKey } = created.json as { rawAPIKey: string };
  assert.match(rawAPIKey, /^ptr_/);
  assert.equal((await client.call('GET', '/api/stacks', { auth: { headers: { 'X-API-Key': rawAPIKey } } })).status, 200);
});

test('3. the login rate limiter answers the 11th rapid attempt with 403 Access denied until the ban ends', async (t) => {
  const { fake, client } = await setup(t, { loginRateLimit: { burst: 10, refillPerSecond: 1, banMs: 300 } });
  const statuses: number[] = [];
  for (let i = 0; i < 11; i++) {
    statuses.push((await client.call('POST', '/api/auth', { auth: 'none', body: { username: fake.adminUsername, password: i < 10 ? 'wrong' : fake.adminPassword } })).status);
  }
  assert.deepEqual(statuses, [...Array(10).fill(422), 403]);
  const banned = await client.call('POST', '/api/auth', { auth: 'none', body: { username: fake.adminUsername, password: fake.adminPassword } });
  assert.deepEqual(banned.json, { message: 'Access denied', details: 'Access denied to resource' });
  assert.equal((await client.call('GET', '/api/stacks')).status, 200, 'other routes are not rate-limited');
  await sleep(1_400);
  assert.equal((await client.call('POST', '/api/auth', { auth: 'none', body: { username: fake.adminUsername, password: fake.adminPassword } })).status, 200);
});

test('4. errors are {message, details} as application/json; Docker proxy errors are {message} only', async (t) => {
  const { client } = await setup(t);
  const portainer = await client.call('GET', '/api/stacks/999');
  assert.equal(portainer.status, 404);
  assert.equal(portainer.headers.get('content-type'), 'application/json');
  assert.deepEqual(portainer.json, { message: 'Unable to find a stack with the specified identifier inside the database', details: 'Object not found inside the database' });
  const docker = await client.call('GET', '/api/endpoints/1/docker/swarm');
  assert.equal(docker.status, 503);
  assert.deepEqual(Object.keys(docker.json as object), ['message']);
});

test('17. environments: Id, Name, Type, Status, URL and Snapshots[0].Swarm, with X-Total-Count', async (t) => {
  const { client } = await setup(t, { environments: [{ id: 1, name: 'local' }, { id: 2, name: 'swarm', swarm: true, type: 2, status: 2 }] });
  const reply = await client.call('GET', '/api/endpoints');
  assert.equal(reply.headers.get('x-total-count'), '2');
  const envs = reply.json as { Id: number; Name: string; Type: number; Status: number; URL: string; Snapshots: { Swarm: boolean }[] }[];
  assert.deepEqual(envs.map((e) => [e.Id, e.Name, e.Type, e.Status, e.Snapshots[0]!.Swarm]), [[1, 'local', 1, 1, false], [2, 'swarm', 2, 2, true]]);
  assert.ok(envs.every((e) => typeof e.URL === 'string'));
  const filtered = await client.call('GET', '/api/endpoints?types[]=2');
  assert.equal(filtered.headers.get('x-total-count'), '1');
  assert.equal(filtered.headers.get('x-total-available'), '2');
  assert.equal((await client.call('GET', '/api/endpoints/9')).status, 404);
});
