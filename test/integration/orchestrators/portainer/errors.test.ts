// Errors: Portainer's own words reach the operator, transient ones are marked for retry, permanent ones fail at
// once, names and templates are checked before any call, stacks that are not ours are never touched, and the
// circuit breaker spares Portainer during an outage.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OrchestratorError } from '../../../../src/provisioning/orchestrator.ts';
import { calls, ROUTES, setup, STANDALONE, stackSpec, SWARM, uniqueName } from './helpers.ts';

const UNLABELLED_TEMPLATE = `services:
  app:
    image: erp:\${PLAN}
    ports: ["\${APP_PORT}:8080"]
    labels: { erpbtp.stack: "\${STACK_NAME}" }
  db:
    image: postgres:16
`;

async function createForeign(url: string, apiKey: string, env: number, name: string): Promise<void> {
  const path = env === 2 ? 'swarm' : 'standalone';
  const swarmID = env === 2 ? (await (await fetch(`${url}/api/endpoints/2/docker/swarm`, { headers: { 'X-API-Key': apiKey } })).json() as { ID: string }).ID : undefined;
  const reply = await fetch(`${url}/api/stacks/create/${path}/string?endpointId=${env}`, {
    method: 'POST',
    headers: { 'X-API-Key': apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, swarmID, stackFileContent: 'services:\n  web:\n    image: nginx\n' }),
  });
  assert.equal(reply.status, 200);
}

test("a failed deploy carries compose's stderr from Portainer's 500, as a transient error; nothing is left behind", async (t) => {
  const { fake, orchestrator } = await setup(t);
  fake.failNextDeploy('Error response from daemon: pull access denied for erp-btp, repository does not exist');
  const error = await orchestrator.deploy(stackSpec(uniqueName(), STANDALONE, 41501)).catch((err: unknown) => err);
  assert.ok(error instanceof OrchestratorError);
  assert.equal(error.transient, true);
  assert.match(error.message, /500 failed to deploy a stack: Error response from daemon: pull access denied for erp-btp/);
  assert.equal(fake.stacks().length, 0);

  const first = uniqueName();
  await orchestrator.deploy(stackSpec(first, STANDALONE, 41502));
  await assert.rejects(orchestrator.deploy(stackSpec(uniqueName(), STANDALONE, 41502)), { message: /Bind for 0\.0\.0\.0:41502 failed: port is already allocated/ });
  assert.deepEqual(fake.stacks().map((s) => s.Name), [first]);
});

test('permanent errors: an environment Portainer does not know (404), one not configured, a name Portainer would change', async (t) => {
  const { fake, another } = await setup(t);
  const orchestrator = another({ environments: ['1', '7'] });
  await assert.rejects(orchestrator.deploy(stackSpec(uniqueName(), '7', 41503)), { transient: false, message: /404 Unable to find an environment/ });
  fake.resetCalls();
  await assert.rejects(orchestrator.deploy(stackSpec(uniqueName(), '3', 41504)), { transient: false, message: /environment "3" is not configured/ });
  for (const name of ['Upper', 'dots.in.name', '-leading', 'accentué']) {
    await assert.rejects(orchestrator.deploy(stackSpec(name, STANDALONE, 41505)), { transient: false, message: /normalisation/ });
  }
  assert.equal(fake.calls().length, 0, 'refused before calling Portainer');
});

test('a stack with our name that is not ours is never adopted, stopped, started or removed', async (t) => {
  const { fake, orchestrator } = await setup(t);
  await createForeign(fake.url, fake.apiKey, 1, 'taken');
  await createForeign(fake.url, fake.apiKey, 2, 'taken-swarm');
  await assert.rejects(orchestrator.deploy(stackSpec('taken', STANDALONE, 41506)), { transient: false, message: /did not create.*left untouched/ });
  await assert.rejects(orchestrator.deploy(stackSpec('taken-swarm', SWARM, 41507)), { transient: false, message: /did not create/ });
  for (const act of [() => orchestrator.stop(STANDALONE, 'taken'), () => orchestrator.start(STANDALONE, 'taken'), () => orchestrator.remove(STANDALONE, 'taken')]) {
    await assert.rejects(act(), { transient: false, message: /not created by ERP BTP Cloud/ });
  }
  assert.equal((await orchestrator.inspect(STANDALONE, 'taken')).state, 'missing', 'its containers lack our label');
  assert.deepEqual(fake.stacks().map((s) => s.Status), [1, 1]);
  assert.equal(calls(fake, ROUTES.update) + calls(fake, 'DELETE /api/stacks/:id') + calls(fake, 'POST /api/stacks/:id/stop'), 0);
});

test('a template whose services lack our label is refused before Portainer is called (swarm needs it on the service too)', async (t) => {
  const { fake, another } = await setup(t, { template: UNLABELLED_TEMPLATE.replace('  db:\n', '  db:\n    labels: ["erpbtp.stack=${STACK_NAME}"]\n') });
  const orchestrator = another({ template: UNLABELLED_TEMPLATE });
  await assert.rejects(orchestrator.deploy(stackSpec(uniqueName(), STANDALONE, 41508)), { transient: false, message: /service db lacks the label erpbtp\.stack=/ });
  assert.equal(calls(fake, ROUTES.create), 0);
  const listLabels = another();
  await listLabels.deploy(stackSpec(uniqueName(), STANDALONE, 41509));
  await assert.rejects(listLabels.deploy(stackSpec(uniqueName(), SWARM, 41510)), { message: /service app lacks the label erpbtp\.stack=.* in deploy\.labels/ });
  assert.equal(calls(fake, ROUTES.create), 1);
});

test('network failures, 502, 503 and timeouts are transient; 400, 403 and 404 are not', async (t) => {
  const { fake, orchestrator } = await setup(t, { requestTimeoutMs: 200, circuitBreaker: { failureThreshold: 100, cooldownMs: 100 } });
  const attempt = () => orchestrator.inspectAll(STANDALONE).then(() => 'ok', (err: OrchestratorError) => err);
  await attempt();
  const cases: [Parameters<typeof fake.addFault>[0], boolean, RegExp][] = [
    [{ match: 'containers/json', kind: 'status', status: 502 }, true, /502 \(empty answer\)/],
    [{ match: 'containers/json', kind: 'status', status: 503, message: 'maintenance' }, true, /503 maintenance/],
    [{ match: 'containers/json', kind: 'status', status: 500, message: 'boom' }, true, /500 boom/],
    // A GET cut on a reused keep-alive connection is replayed once, so the cut must happen twice to surface.
    [{ match: 'containers/json', kind: 'drop', times: 2 }, true, /socket hang up|ECONNRESET/],
    [{ match: 'containers/json', kind: 'hang' }, true, /no answer within 200 ms/],
    [{ match: 'containers/json', kind: 'status', status: 400, message: 'Invalid request' }, false, /400 Invalid request/],
    [{ match: 'containers/json', kind: 'status', status: 403, message: 'Access denied to resource' }, false, /403 Access denied/],
    [{ match: 'containers/json', kind: 'status', status: 404, message: 'Unable to find an environment' }, false, /404 Unable to find/],
  ];
  for (const [fault, transient, message] of cases) {
    fake.addFault(fault);
    const outcome = await attempt();
    assert.ok(outcome instanceof OrchestratorError, `${fault.kind} ${'status' in fault ? fault.status : ''}`);
    assert.equal(outcome.transient, transient, outcome.message);
    assert.match(outcome.message, message);
    fake.clearFaults();
  }
  fake.goDown();
  const down = await attempt();
  assert.ok(down instanceof OrchestratorError && down.transient && /ECONNREFUSED/.test(down.message));
});

test('the circuit opens after repeated failures, fails fast without calling Portainer, then one probe closes it', async (t) => {
  const { fake, orchestrator, logs } = await setup(t, { circuitBreaker: { failureThreshold: 3, cooldownMs: 300 } });
  await orchestrator.inspectAll(STANDALONE);
  fake.addFault({ match: 'containers/json', kind: 'status', status: 503, times: Infinity });
  for (let i = 0; i < 3; i++) await assert.rejects(orchestrator.inspectAll(STANDALONE), { transient: true, message: /503/ });
  fake.resetCalls();
  await assert.rejects(orchestrator.inspectAll(STANDALONE), { transient: true, message: /circuit open after 3 failed calls/ });
  assert.equal(fake.calls().length, 0);
  assert.match(logs.text(), /circuit opened/);
  assert.deepEqual(await orchestrator.inspectAll(SWARM), new Map(), 'another environment has its own circuit');

  fake.clearFaults();
  const recovered = await (async () => {
    for (;;) {
      const outcome = await orchestrator.inspectAll(STANDALONE).catch((err: Error) => err);
      if (!(outcome instanceof Error)) return outcome;
      assert.match(outcome.message, /circuit open/);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  assert.deepEqual(recovered, new Map());
  assert.equal(fake.calls().filter((c) => c.route === ROUTES.containers).length, 1, 'a single probe, which closed the circuit');
});
