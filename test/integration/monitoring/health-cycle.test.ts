// The health cycle against the fake Portainer, driven cycle by cycle with a clock the test moves: an instance that
// dies, a Portainer outage, a flapping instance, and two cycles asked at once.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { alertKeys } from '../../../src/monitoring/alert-sink.ts';
import { probeInstance } from '../../../src/monitoring/instance-probe.ts';
import { requestStackOperation } from '../../../src/provisioning/stack-operations.ts';
import { stackSpec } from '../orchestrators/portainer/helpers.ts';
import { healthServer, startHarness } from './helpers.ts';

const CONTAINERS = 'GET /api/endpoints/:id/docker/containers/json';

test('an instance that dies is down at the 2nd failed check, restarted once, alerted once when the restart did not help, and its recovery resolves the alert', { timeout: 120_000 }, async (t) => {
  const h = await startHarness(t);
  const stack = await h.createStack('Martin Rénovation');
  const key = alertKeys.instanceDown(stack.id);

  const first = await h.tick();
  assert.deepEqual([first.ran, first.checked, first.healthy, first.probes], [true, 1, 1, 1]);
  assert.equal((await h.stack(stack.id)).observed_state, 'running');

  h.fake.crash(1, stack.name, 'app');
  await h.tick();
  const firstFailure = h.clock.at();
  let row = await h.stack(stack.id);
  assert.deepEqual([row.observed_state, row.health_failures, row.down_since], ['degraded', 1, null], 'one failed check: degraded, not down');
  assert.equal((await h.deployments(stack.id)).length, 1, 'nothing restarted after one failure');

  const second = await h.tick();
  row = await h.stack(stack.id);
  assert.equal(row.observed_state, 'down', 'down at the second failed check in a row');
  assert.equal(row.down_since!.getTime(), firstFailure.getTime(), 'the outage dates from the first failed check');
  assert.equal(second.restarts, 1, 'down for HEAL_AFTER_SECONDS already (since the first failure): restarted at once');
  const [, restart] = await h.deployments(stack.id);
  assert.deepEqual([restart?.kind, restart?.state], ['redeploy', 'queued'], 'the restart is a redeploy deployment');
  assert.equal(row.healed_at!.getTime(), h.clock.at().getTime());
  const [audit] = await h.query<{ action: string; actor_type: string; actor_label: string }>(`select action, actor_type, actor_label from audit_log where client_id = $1`, [stack.client_id]);
  assert.deepEqual(audit, { action: 'stack.autoRestartRequested', actor_type: 'system', actor_label: 'surveillance' });
  assert.equal(h.alerts.calls.filter((c) => c.op === 'open').length, 0, 'nobody paged before the restart was tried');

  // The restart runs (the stack answers again, the deployment marks it running)… and the instance crashes again.
  assert.equal(await h.runner.runDeployment(restart!.id), 'succeeded');
  assert.equal((await h.stack(stack.id)).observed_state, 'running');
  h.fake.crash(1, stack.name, 'app');

  const third = await h.tick();
  row = await h.stack(stack.id);
  assert.deepEqual([row.observed_state, row.health_status], ['down', 'alerted'], 'still down after the restart: alerted');
  assert.equal(third.alertsOpened, 1);
  assert.equal(h.alerts.notified.length, 1);
  const [alert] = h.alerts.notified;
  assert.deepEqual([alert!.kind, alert!.key, alert!.stackId, alert!.clientId, alert!.params.stack, alert!.params.instanceState], ['instance_down', key, stack.id, stack.client_id, stack.name, 'exited']);

  await h.tick();
  await h.tick();
  assert.equal(h.alerts.opens(), 1, 'opened once: not again at each cycle of the same outage');
  assert.equal((await h.deployments(stack.id)).filter((d) => d.kind === 'redeploy').length, 1, 'one automatic restart per outage');

  // Staff redeploy it; it answers again: the outage ends and the alert is resolved.
  const outcome = await requestStackOperation(h.pool, h.queue, stack.id, 'redeploy');
  assert.equal(outcome.status, 'queued');
  assert.equal(await h.runner.runDeployment((outcome as { deploymentId: number }).deploymentId), 'succeeded');
  const back = await h.tick();
  row = await h.stack(stack.id);
  assert.deepEqual([row.observed_state, row.health_status, row.down_since, row.healed_at], ['running', 'healthy', null, null]);
  assert.equal(back.alertsResolved, 1);
  assert.deepEqual(h.alerts.recovered, [key], 'the recovery is notified once');
  await h.tick();
  assert.equal(h.alerts.calls.filter((c) => c.op === 'resolve' && c.key === key).length, 1, 'resolved once');

  const states = (await h.checks(stack.id)).map((c) => `${c.ok ? 'ok' : 'ko'}:${c.instance_state}`);
  assert.deepEqual(states, ['ok:running', 'ko:exited', 'ko:exited', 'ko:exited', 'ok:running'], 'history: the first check, then each change of state or verdict');
  const logged = h.logs.lines.map((l) => JSON.parse(l) as { msg: string; stackId?: number; stack?: string; from?: string; to?: string });
  const transitions = logged.filter((l) => l.msg.startsWith('stack health:')).map((l) => `${l.from}→${l.to}`);
  assert.deepEqual(transitions, ['running→degraded', 'degraded→down', 'running→down', 'down→running']);
  assert.ok(logged.filter((l) => l.msg.startsWith('stack health:')).every((l) => l.stackId === stack.id && l.stack === stack.name), 'each transition names the stack and its ids');
});

test('a stack whose restart helps comes back without anyone being paged', { timeout: 120_000 }, async (t) => {
  const h = await startHarness(t);
  const stack = await h.createStack();
  await h.tick();
  h.fake.crash(1, stack.name, 'app');
  await h.tick();
  await h.tick();
  const [, restart] = await h.deployments(stack.id);
  assert.equal(await h.runner.runDeployment(restart!.id), 'succeeded');
  await h.tick();
  const row = await h.stack(stack.id);
  assert.deepEqual([row.observed_state, row.down_since, row.healed_at], ['running', null, null], 'the restart\'s own health check counts as the first good one');
  assert.deepEqual(h.alerts.notified, [], 'nobody paged');
  assert.deepEqual(h.alerts.recovered, []);
});

test('a Portainer outage opens one environment_unreachable alert, leaves every stack\'s health alone, and is resolved when Portainer answers', { timeout: 120_000 }, async (t) => {
  const h = await startHarness(t);
  const stacks = [await h.createStack(), await h.createStack()];
  h.fake.resetCalls();
  await h.tick();
  assert.equal(h.fake.callCount(CONTAINERS), 1, 'one listing for the environment, whatever the number of stacks');
  assert.equal(h.fake.calls().length, 1, 'and nothing else');
  const before = await Promise.all(stacks.map((s) => h.stack(s.id)));
  const rowsBefore = (await h.query('select id from health_checks')).length;

  h.fake.goDown();
  for (let i = 0; i < 3; i++) {
    const report = await h.tick();
    assert.deepEqual(report.environments, [{ environment: '1', reachable: false, stacks: 2, error: report.environments[0]!.error }]);
    assert.equal(report.checked, 0);
  }
  const key = alertKeys.environmentUnreachable('portainer', '1');
  assert.equal(h.alerts.notified.length, 1, 'one alert for the outage');
  assert.deepEqual([h.alerts.notified[0]!.kind, h.alerts.notified[0]!.key, h.alerts.notified[0]!.environment, h.alerts.notified[0]!.params.stacks], ['environment_unreachable', key, '1', 2]);
  assert.ok(h.alerts.calls.every((c) => c.op === 'resolve' || c.alert.kind === 'environment_unreachable'), 'no per-stack alert');
  assert.deepEqual(await Promise.all(stacks.map((s) => h.stack(s.id))), before, 'no stack state, counter or check time touched');
  assert.equal((await h.query('select id from health_checks')).length, rowsBefore, 'no history written');
  assert.equal((await h.query(`select id from deployments where kind <> 'create'`)).length, 0, 'nothing restarted');

  await h.fake.comeBack();
  const report = await h.tick();
  assert.equal(report.healthy, 2);
  assert.deepEqual(h.alerts.recovered, [key], 'resolved when the environment answers again');
  assert.ok((await Promise.all(stacks.map((s) => h.stack(s.id)))).every((s) => s.observed_state === 'running' && s.health_failures === 0));
});

test('a flapping instance (fail, ok, fail, ok…) is never down: no restart, no alert', { timeout: 120_000 }, async (t) => {
  let answers = 0;
  const url = await healthServer(t, () => (answers++ % 2 === 0 ? 503 : 200));
  const h = await startHarness(t);
  const stack = await h.createStack();
  await h.pool.query('update stacks set url = $1 where id = $2', [url, stack.id]);
  const seen: string[] = [];
  for (let i = 0; i < 8; i++) {
    await h.tick();
    seen.push((await h.stack(stack.id)).observed_state);
  }
  assert.deepEqual(seen, ['degraded', 'running', 'degraded', 'running', 'degraded', 'running', 'degraded', 'running']);
  assert.deepEqual(h.alerts.calls.filter((c) => c.op === 'open'), []);
  assert.equal((await h.deployments(stack.id)).length, 1, 'only the creation: nothing restarted');
  assert.equal((await h.checks(stack.id)).at(-2)?.http_status, 503, 'the failed checks are in the history with their answer');
});

test('two cycles asked at once run once, in one process or in two', { timeout: 120_000 }, async (t) => {
  const slowProbe: typeof probeInstance = async (url, options) => {
    await sleep(300);
    return probeInstance(url, options);
  };
  const h = await startHarness(t, { probe: slowProbe });
  await h.createStack();
  h.fake.resetCalls();
  const sameProcess = await Promise.all([h.cycle.run(), h.cycle.run()]);
  assert.deepEqual(sameProcess.map((r) => r.ran).sort(), [false, true]);
  assert.equal(h.fake.callCount(CONTAINERS), 1);

  h.fake.resetCalls();
  const other = h.newCycle();
  const twoProcesses = await Promise.all([h.cycle.run(), other.run()]);
  assert.deepEqual(twoProcesses.map((r) => r.ran).sort(), [false, true], 'the advisory lock lets one through');
  assert.equal(h.fake.callCount(CONTAINERS), 1);
  assert.equal((await other.run()).ran, true, 'the lock is released after the cycle');
});

test('the outage of a stack suspended while down is closed and its alert resolved', { timeout: 120_000 }, async (t) => {
  const h = await startHarness(t);
  const stack = await h.createStack();
  await h.tick();
  h.fake.crash(1, stack.name, 'app');
  await h.tick();
  await h.tick();
  const [, restart] = await h.deployments(stack.id);
  await h.pool.query(`update deployments set state = 'failed', finished_at = now() where id = $1`, [restart!.id]);
  await h.tick();
  assert.equal(h.alerts.notified.length, 1, 'alerted: the restart did not help');

  // What a suspension leaves: meant to be stopped, observed stopped (no longer monitored).
  await h.pool.query(`update stacks set desired_state = 'stopped', observed_state = 'stopped' where id = $1`, [stack.id]);
  const report = await h.tick();
  assert.equal(report.checked, 0);
  assert.equal(report.alertsResolved, 1);
  assert.deepEqual(h.alerts.recovered, [alertKeys.instanceDown(stack.id)]);
  const row = await h.stack(stack.id);
  assert.deepEqual([row.observed_state, row.down_since, row.healed_at, row.health_failures], ['stopped', null, null, 0]);
});

test('when most running instances of an environment fail at once, one environment alert is opened and no stack is moved or restarted', { timeout: 120_000 }, async (t) => {
  let failing = (_n: number) => false;
  const url = await healthServer(t, (path) => (failing(Number(/^\/i\/(\d+)\//.exec(path)?.[1])) ? 503 : 200));
  const h = await startHarness(t, { fake: { servePublishedPorts: false } });
  const ids: number[] = [];
  for (let n = 0; n < 12; n++) {
    const name = `mass-${n}-${Date.now().toString(36)}`;
    await h.orchestrator.deploy(stackSpec(name, '1', 30000 + n));
    const [client] = await h.query<{ id: number }>(`insert into clients (entreprise, nom, prenom, email, telephone, effectif) values ($1, 'Martin', 'Julie', $2, '+33612345678', '1-5') returning id`, [`Entreprise ${n}`, `${name}@example.fr`]);
    const [row] = await h.query<{ id: number }>(`insert into stacks (client_id, name, orchestrator, environment, url, desired_state, observed_state) values ($1, $2, 'portainer', '1', $3, 'running', 'running') returning id`, [client!.id, name, `${url}/i/${n}`]);
    ids.push(row!.id);
  }
  assert.equal((await h.tick()).healthy, 12);

  failing = (n) => n % 3 === 0;
  const partial = await h.tick();
  assert.deepEqual([partial.checked, partial.healthy, partial.environments[0]!.probesFailing], [12, 8, undefined], 'a third failing: each handled on its own');
  assert.equal((await h.stack(ids[0]!)).observed_state, 'degraded');

  failing = () => true;
  const before = await Promise.all(ids.map((id) => h.stack(id)));
  for (let i = 0; i < 3; i++) {
    const report = await h.tick();
    assert.deepEqual([report.checked, report.environments[0]!.probesFailing], [0, { failed: 12, probed: 12 }]);
  }
  assert.deepEqual(await Promise.all(ids.map((id) => h.stack(id))), before, 'no stack moved: neither down nor restarted');
  assert.equal(h.alerts.notified.length, 1);
  assert.deepEqual([h.alerts.notified[0]!.kind, h.alerts.notified[0]!.params.error], ['environment_unreachable', '12 of 12 running instances fail their health check']);
  assert.match(String(h.alerts.notified[0]!.params.reason), /ne répondent pas à leur contrôle de santé/);
  assert.equal((await h.query(`select id from deployments`)).length, 0);

  failing = () => false;
  const back = await h.tick();
  assert.equal(back.healthy, 12);
  assert.deepEqual(h.alerts.recovered, [alertKeys.environmentUnreachable('portainer', '1')]);
});
