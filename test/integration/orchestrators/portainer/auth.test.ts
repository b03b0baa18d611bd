// Authentication against the fake: API key or cached JWT, one re-login on 401, never both headers, no cookie,
// logins spaced so Portainer's limiter never bans us.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { calls, ROUTES, setup, STANDALONE, stackSpec, uniqueName } from './helpers.ts';

const fixture = (file: string) => readFileSync(new URL(`fixtures/${file}`, import.meta.url));

test('with an API key every call carries X-API-Key only: no Authorization, no cookie, no login', async (t) => {
  const { fake, orchestrator } = await setup(t);
  const name = uniqueName();
  await orchestrator.deploy(stackSpec(name, STANDALONE, 41401));
  await orchestrator.inspect(STANDALONE, name);
  assert.ok(fake.calls().length > 0);
  assert.ok(fake.calls().every((c) => c.credentials.join() === 'x-api-key'));
  assert.equal(calls(fake, ROUTES.login), 0);
});

test('with a username and password one login serves every call, with a Bearer token only, never a cookie', async (t) => {
  const { fake, another } = await setup(t);
  const orchestrator = another({ apiKey: undefined, username: fake.adminUsername, password: fake.adminPassword });
  const names = [uniqueName(), uniqueName(), uniqueName()];
  await Promise.all(names.map((name, i) => orchestrator.deploy(stackSpec(name, STANDALONE, 41410 + i))));
  await orchestrator.inspectAll(STANDALONE);
  assert.equal(calls(fake, ROUTES.login), 1, 'concurrent callers shared one login');
  const others = fake.calls().filter((c) => c.route !== ROUTES.login);
  assert.ok(others.every((c) => c.credentials.join() === 'authorization' && c.status !== 401));
});

test('a Portainer restart invalidates the JWT: exactly one re-login, shared by concurrent calls, and the calls succeed', async (t) => {
  const { fake, another } = await setup(t);
  const orchestrator = another({ apiKey: undefined, username: fake.adminUsername, password: fake.adminPassword });
  const name = uniqueName();
  await orchestrator.deploy(stackSpec(name, STANDALONE, 41420));
  await fake.restart(30);
  const states = await Promise.all(Array.from({ length: 5 }, () => orchestrator.inspect(STANDALONE, name)));
  assert.ok(states.every((s) => s.state === 'running'));
  assert.equal(calls(fake, ROUTES.login), 2);
});

test('a token refused right after a fresh login fails the call after one re-login, never in a loop', async (t) => {
  const { fake, another } = await setup(t, {}, { jwtLifetimeMs: 0 }); // expired from the moment it is issued
  const orchestrator = another({ apiKey: undefined, username: fake.adminUsername, password: fake.adminPassword });
  // Every token is dead on arrival: each call logs in, is refused, logs in again once, and is refused again.
  await assert.rejects(orchestrator.inspectAll(STANDALONE), { transient: false, message: /401 Invalid JWT token.*check PORTAINER_API_KEY, or PORTAINER_USERNAME/ });
  assert.equal(calls(fake, ROUTES.login), 2);
});

test('a wrong password is a permanent error that says so; logins are spaced and Portainer never bans us', async (t) => {
  const { fake, another } = await setup(t, {}, { loginRateLimit: { burst: 3, refillPerSecond: 5, banMs: 60_000 } });
  const orchestrator = another({ apiKey: undefined, username: fake.adminUsername, password: 'wrong-password', loginIntervalMs: 250 });
  const concurrent = await Promise.allSettled(Array.from({ length: 4 }, () => orchestrator.inspectAll(STANDALONE)));
  assert.equal(calls(fake, ROUTES.login), 1, 'concurrent callers shared one attempt');
  for (let i = 0; i < 5; i++) await orchestrator.inspectAll(STANDALONE).catch(() => undefined);
  const results = fake.calls().filter((c) => c.route === ROUTES.login).map((c) => c.status);
  assert.deepEqual(results, Array(6).fill(422), 'never the 403 of a ban');
  const reason = (concurrent[0] as PromiseRejectedResult).reason as Error & { transient: boolean };
  assert.equal(reason.transient, false);
  assert.match(reason.message, /login as admin refused: 422 Invalid credentials \(Unauthorized\): check PORTAINER_USERNAME and PORTAINER_PASSWORD/);
});

test('a wrong API key is a permanent error naming the setting to check', async (t) => {
  const { another } = await setup(t);
  const orchestrator = another({ apiKey: 'ptr_wrong' });
  await assert.rejects(orchestrator.deploy(stackSpec(uniqueName(), STANDALONE, 41430)), { transient: false, message: /401 Invalid JWT token.*PORTAINER_API_KEY/ });
});

test('TLS: a self-signed certificate is refused with a hint, and accepted with insecureTls (logged as a warning)', async (t) => {
  const { fake, another, logs } = await setup(t, {}, { tls: { key: fixture('self-signed.key'), cert: fixture('self-signed.crt') } });
  assert.match(fake.url, /^https:/);
  await assert.rejects(another().inspectAll(STANDALONE), { transient: false, message: /TLS certificate not accepted.*PORTAINER_INSECURE_TLS=true/ });
  const insecure = another({ insecureTls: true });
  assert.deepEqual(await insecure.inspectAll(STANDALONE), new Map());
  assert.match(logs.text(), /"level":40.*PORTAINER_INSECURE_TLS/);
});
