// The mapping from Docker's answers to stack states, on shapes the fake does not produce: the `Health` field of
// Docker API 1.52+, paused and restarting containers, global swarm services, TTY (unframed) log streams.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demultiplex } from '../../../../src/orchestrators/portainer/docker-logs.ts';
import { stacksFromContainers, stacksFromTasks } from '../../../../src/orchestrators/portainer/stack-health.ts';
import type { ContainerSummary, SwarmTask } from '../../../../src/orchestrators/portainer/portainer-types.ts';

function container(name: string, stack: string, State: string, Status: string, health?: string): ContainerSummary {
  return { Id: `${name}-id`, Names: [`/${name}`], Labels: { 'erpbtp.stack': stack }, State, Status, ...(health ? { Health: { Status: health } } : {}) };
}

test('containers: the Health field wins over the Status text; the worst container gives the stack state', () => {
  const stacks = stacksFromContainers([
    container('a-app-1', 'a', 'running', 'Up 3 minutes', 'unhealthy'),
    container('a-db-1', 'a', 'running', 'Up 3 minutes (healthy)'),
    container('b-app-1', 'b', 'restarting', 'Restarting (1) 2 seconds ago'),
    container('c-app-1', 'c', 'paused', 'Up 1 hour (Paused)'),
    container('d-app-1', 'd', 'created', 'Created'),
    container('e-app-1', 'e', 'running', 'Up 5 seconds (health: starting)'),
    container('e-db-1', 'e', 'dead', 'Dead'),
    { ...container('x', 'x', 'running', 'Up'), Labels: { other: 'label' } },
  ]);
  assert.deepEqual(Object.fromEntries([...stacks].map(([name, s]) => [name, s.state])), { a: 'unhealthy', b: 'starting', c: 'unhealthy', d: 'starting', e: 'exited' });
  assert.deepEqual(stacks.get('a')!.containers.map((c) => [c.name, c.state]), [['a-app-1', 'unhealthy'], ['a-db-1', 'running']]);
});

test('swarm: a replica with no current task is exited with the last error; a global service counts its tasks', () => {
  const task = (id: string, service: string, slot: number | undefined, DesiredState: string, State: string, Err?: string): SwarmTask => ({
    ID: id,
    ServiceID: service,
    Slot: slot,
    NodeID: `node-${id}`,
    DesiredState,
    Status: { Timestamp: `2024-01-01T00:00:0${id.length}Z`, State, ...(Err ? { Err } : {}) },
  });
  const stacks = stacksFromTasks(
    [
      { ID: 'svc1', Spec: { Name: 's_app', Labels: { 'erpbtp.stack': 's' }, Mode: { Replicated: { Replicas: 2 } } } },
      { ID: 'svc2', Spec: { Name: 'g_agent', Labels: { 'erpbtp.stack': 'g' }, Mode: { Global: {} } } },
    ],
    [task('t1', 'svc1', 1, 'running', 'running'), task('t22', 'svc1', 2, 'shutdown', 'failed', 'task: non-zero exit (1)'), task('g1', 'svc2', undefined, 'running', 'running')],
  );
  assert.equal(stacks.get('s')!.state, 'exited');
  assert.deepEqual(stacks.get('s')!.containers.map((c) => [c.name, c.state, c.status]), [['s_app.1', 'running', 'running'], ['s_app.2', 'exited', 'failed (task: non-zero exit (1))']]);
  assert.equal(stacks.get('g')!.state, 'running');
});

test('logs: a TTY stream (no frame headers) is passed through as text', () => {
  assert.equal(demultiplex(Buffer.from('plain tty output\n')), 'plain tty output\n');
  const framed = Buffer.concat([Buffer.from([2, 0, 0, 0, 0, 0, 0, 4]), Buffer.from('err\n'), Buffer.from([1, 0, 0, 0, 0, 0, 0, 4]), Buffer.from('out\n')]);
  assert.equal(demultiplex(framed), 'err\nout\n');
});
