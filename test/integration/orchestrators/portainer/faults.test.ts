// Fault injection: Portainer down mid-burst, lost answers and timed-out creates (looked up by name, never sent
// twice), 409 resolved by adopting our own stack, a stack whose containers a failed update tore down.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OWNER_VARIABLE } from '../../../../src/orchestrators/portainer/stack-identity.ts';
import { calls, retryTransient, ROUTES, setup, STANDALONE, stackSpec, SWARM, uniqueName, waitFor } from './helpers.ts';

test('Portainer down for a while mid-burst: every deployment completes once it is back, none duplicated', async (t) => {
  // A create cut by the outage may or may not have reached Portainer: it is waited for up to the grace period.
  const { fake, orchestrator } = await setup(t, { circuitBreaker: { failureThreshold: 3, cooldownMs: 100 }, unansweredCreateGraceMs: 2_000 }, { latency: { deployMs: 40 } });
  const specs = Array.from({ length: 12 }, (_, i) => stackSpec(`burst-${i}`, i % 3 === 0 ? SWARM : STANDALONE, 41600 + i));
  const burst = Promise.all(specs.map((spec) => retryTransient(() => orchestrator.deploy(spec))));
  await waitFor('a few stacks before the outage', () => fake.stacks().length >= 3);
  fake.goDown();
  await new Promise((resolve) => setTimeout(resolve, 800));
  await fake.comeBack();
  const results = await burst;

  const stacks = fake.stacks();
  assert.deepEqual(stacks.map((s) => s.Name).sort(), specs.map((s) => s.name).sort(), 'each stack exactly once');
  assert.deepEqual(new Set(results.map((r) => r.externalId)).size, specs.length);
  for (const spec of specs) {
    const stack = stacks.find((s) => s.Name === spec.name)!;
    assert.equal(String(stack.EndpointId), spec.environment);
  }
  const states = [...(await orchestrator.inspectAll(STANDALONE)).values(), ...(await orchestrator.inspectAll(SWARM)).values()];
  assert.equal(states.length, specs.length);
  assert.ok(states.every((s) => s.state === 'running'));
  assert.ok(fake.deployStats().maxConcurrent === 1);
});

test('a create whose answer is lost is found by name at once, not sent again', async (t) => {
  const { fake, orchestrator } = await setup(t);
  fake.addFault({ match: 'POST /api/stacks/create', kind: 'lose-answer' });
  const name = uniqueName();
  const { externalId } = await orchestrator.deploy(stackSpec(name, STANDALONE, 41620));
  assert.equal(externalId, String(fake.stacks()[0]!.Id));
  assert.equal(calls(fake, ROUTES.create), 1);
  assert.equal(calls(fake, ROUTES.update), 0, 'our own create, same file: nothing to update');
});

test('a create that timed out while Portainer still deploys is waited for by name, never created twice', async (t) => {
  const { fake, orchestrator, logs } = await setup(t, { deployTimeoutMs: 100, unansweredCreateGraceMs: 10_000 }, { latency: { deployMs: 600 } });
  const spec = stackSpec(uniqueName(), STANDALONE, 41621);
  const first = await orchestrator.deploy(spec).catch((err: Error & { transient: boolean }) => err);
  assert.ok(first instanceof Error && first.transient && /no answer within 100 ms/.test(first.message));
  assert.match(logs.text(), /looking the stack up by name before any retry/);
  const second = await orchestrator.deploy(spec).catch((err: Error) => err);
  assert.match(String((second as Error).message), /earlier create got no answer and may still be running/);
  const { externalId } = await retryTransient(() => orchestrator.deploy(spec));
  assert.equal(externalId, String(fake.stacks()[0]!.Id));
  assert.deepEqual([fake.stacks().length, calls(fake, ROUTES.create), calls(fake, ROUTES.update)], [1, 1, 0]);
});

test('409 on create: our stack hidden from the filtered list (a stale swarm id) is adopted, not duplicated', async (t) => {
  const { fake, orchestrator } = await setup(t);
  const name = uniqueName();
  const reply = await fetch(`${fake.url}/api/stacks/create/swarm/string?endpointId=2`, {
    method: 'POST',
    headers: { 'X-API-Key': fake.apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, swarmID: 'cluster-before-reinit', stackFileContent: 'services:\n  app:\n    image: erp\n', env: [{ name: OWNER_VARIABLE, value: name }] }),
  });
  const existing = (await reply.json()) as { Id: number };
  const { externalId } = await orchestrator.deploy(stackSpec(name, SWARM, 41622));
  assert.equal(externalId, String(existing.Id));
  assert.equal(fake.calls().find((c) => c.route === ROUTES.create && c.status !== 200)?.status, 409);
  assert.equal(fake.stacks().length, 1);
  assert.equal(calls(fake, ROUTES.update), 1, 'adopted: updated to our spec');
  assert.ok(fake.services(2).length > 0);
});

test('409 on create for a name used by a stack that is not ours fails with a clear reason', async (t) => {
  const { fake, orchestrator } = await setup(t);
  const name = uniqueName();
  await fetch(`${fake.url}/api/stacks/create/swarm/string?endpointId=2`, {
    method: 'POST',
    headers: { 'X-API-Key': fake.apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, swarmID: 'another-cluster', stackFileContent: 'services:\n  app:\n    image: erp\n' }),
  });
  await assert.rejects(orchestrator.deploy(stackSpec(name, SWARM, 41623)), { transient: false, message: /did not create/ });
  assert.equal(fake.stacks().length, 1);
});

test('start on a stack whose containers a failed update tore down redeploys what Portainer stores', async (t) => {
  const { fake, orchestrator } = await setup(t);
  const spec = stackSpec(uniqueName(), STANDALONE, 41624);
  await orchestrator.deploy(spec);
  fake.failNextDeploy('Error response from daemon: manifest unknown');
  await assert.rejects(orchestrator.update({ ...spec, variables: { ...spec.variables, PLAN: 'pro' } }), { transient: true, message: /manifest unknown/ });
  assert.equal((await orchestrator.inspect(STANDALONE, spec.name)).state, 'exited', 'active in Portainer, no containers');
  await orchestrator.start(STANDALONE, spec.name);
  assert.equal((await orchestrator.inspect(STANDALONE, spec.name)).state, 'running');
  assert.deepEqual(fake.stacks()[0]!.Env, [{ name: OWNER_VARIABLE, value: spec.name }]);
});

test('an unreachable Docker engine behind Portainer is a transient error for health and deploys', async (t) => {
  const { fake, orchestrator } = await setup(t);
  await orchestrator.inspectAll(STANDALONE);
  fake.setEngineReachable(1, false);
  await assert.rejects(orchestrator.inspectAll(STANDALONE), { transient: true, message: /502/ });
  await assert.rejects(orchestrator.deploy(stackSpec(uniqueName(), STANDALONE, 41625)), { transient: true, message: /Unable to check for name collision/ });
});
