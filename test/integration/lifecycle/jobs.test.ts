// When the lifecycle runs: a pg-boss schedule every day at LIFECYCLE_RUN_AT in Europe/Paris, a run at worker
// start, a run at the next due instant (one job per instant); and one run at a time across processes.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import pg from 'pg';
import { scheduleDueRun, startLifecycleWorker } from '../../../src/lifecycle/lifecycle.jobs.ts';
import { startLifecycleHarness } from './lifecycle-harness.ts';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

test('the worker schedules the daily run in Paris time, runs at start, and again when a trial ends', { timeout: 90_000 }, async (t) => {
  const h = await startLifecycleHarness(t);
  const ended = await h.createTrial(new Date(Date.now() - 3_600_000).toISOString());
  const endsSoon = new Date(Date.now() + 8_000); // after the run at start, even on a busy machine
  const ending = await h.createTrial(endsSoon.toISOString());

  await startLifecycleWorker({ queue: h.queue, lifecycle: h.lifecycle, runAt: '07:00', log: h.logs.log });

  const schedules = await h.queue.boss.getSchedules('lifecycle.run');
  assert.deepEqual(schedules.map((s) => [s.cron, s.timezone, s.data]), [['0 7 * * *', 'Europe/Paris', { trigger: 'schedule' }]]);
  // 07:00 in Paris on both sides of each change: 06:00 UTC in winter, 05:00 UTC in summer.
  const preview = (from: string) => h.queue.boss.previewSchedule('0 7 * * *', { tz: 'Europe/Paris', from: new Date(from), count: 3 }).map((d) => d.toISOString());
  assert.deepEqual(preview('2027-03-26T12:00:00Z'), ['2027-03-27T06:00:00.000Z', '2027-03-28T05:00:00.000Z', '2027-03-29T05:00:00.000Z']);
  assert.deepEqual(preview('2027-10-29T12:00:00Z'), ['2027-10-30T05:00:00.000Z', '2027-10-31T06:00:00.000Z', '2027-11-01T06:00:00.000Z']);

  // The run at start catches up with the trial that ended while the platform was down…
  await until('the ended trial to expire', async () => ((await h.subscription(ended.subscriptionId)).status === 'expired' ? true : undefined));
  // …and leaves a job for the end of the other one, which expires when it ends, not the next morning.
  const [due] = await until('the due run', async () => {
    const rows = await h.query<{ data: unknown; start_after: Date }>(`select data, start_after from pgboss.job where name = 'lifecycle.run' and data->>'trigger' = 'due'`);
    return rows.length ? rows : undefined;
  });
  assert.deepEqual(due, { data: { trigger: 'due', dueAt: endsSoon.toISOString() }, start_after: endsSoon });
  const [expiry] = await until('the second trial to expire', async () => {
    const rows = await h.query<{ created_at: Date }>(`select created_at from audit_log where client_id = $1 and action = 'subscription.trialExpired'`, [ending.clientId]);
    return rows.length ? rows : undefined;
  });
  assert.ok(expiry!.created_at >= endsSoon && expiry!.created_at.getTime() < endsSoon.getTime() + 10_000, `expired at ${expiry!.created_at.toISOString()}`);
  // The same run then suspends its instance.
  await until('the suspension', async () => ((await h.deployments(ending.stackId)).some((d) => d.kind === 'suspend') ? true : undefined));
});

test('one job per due instant, and none for an instant the daily run will see first', { timeout: 60_000 }, async (t) => {
  const h = await startLifecycleHarness(t);
  const now = new Date();
  const at = new Date(now.getTime() + 3_600_000);
  const first = await scheduleDueRun(h.queue, at, now);
  assert.ok(first);
  assert.equal(await scheduleDueRun(h.queue, at, new Date(now.getTime() + 60_000)), null, 'the same instant seen by a later run');
  assert.ok(await scheduleDueRun(h.queue, new Date(at.getTime() + 1), now), 'another instant');
  assert.equal(await scheduleDueRun(h.queue, new Date(now.getTime() + 26 * 3_600_000), now), null);
  const [jobs] = await h.query<{ n: number }>(`select count(*)::int as n from pgboss.job where name = 'lifecycle.run'`);
  assert.equal(jobs!.n, 2);
});

test('one run at a time across processes: a run that finds another going says busy and does nothing', { timeout: 60_000 }, async (t) => {
  const h = await startLifecycleHarness(t);
  const trial = await h.createTrial('2027-03-30T12:23:00Z');
  const other = new pg.Client({ connectionString: h.databaseUrl });
  other.on('error', () => undefined);
  await other.connect();
  await other.query('select pg_advisory_lock(727101)');
  assert.deepEqual(await h.lifecycle.runLifecycle(new Date('2027-04-01T05:00:00Z')), { status: 'busy' });
  assert.equal((await h.subscription(trial.subscriptionId)).status, 'trialing');
  // Two runs at once in this process: one does the work, the other is turned away.
  await other.query('select pg_advisory_unlock(727101)');
  const outcomes = await Promise.all([h.lifecycle.runLifecycle(new Date('2027-04-01T05:00:00Z')), h.lifecycle.runLifecycle(new Date('2027-04-01T05:00:00Z'))]);
  const done = outcomes.filter((o) => o.status === 'done');
  assert.ok(done.length >= 1);
  assert.deepEqual(done.flatMap((o) => (o.status === 'done' ? o.expired : [])), [trial.subscriptionId]);
  assert.equal((await h.emails(trial.clientId, 'trial-expired')).length, 1);
  await other.end();
});
