// The health history: sampled (every change, one row an hour otherwise), trimmed after HEALTH_HISTORY_DAYS, read
// back as uptime figures and a timeline on the client page.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClientRecordService } from '../../../src/backoffice/client-record.service.ts';
import { clientBody } from '../../../src/http/admin/views/client.views.ts';
import { createHealthHistory } from '../../../src/monitoring/health-history.ts';
import { sumHealthySeconds } from '../../../src/monitoring/monitoring.repository.ts';
import { loadPlans } from '../../../src/plans/plans.ts';
import { startHarness } from './helpers.ts';

const HOUR = 3_600_000;

test('a steady stack gets a history row at its first check and then one an hour; a change gets one at once', { timeout: 120_000 }, async (t) => {
  const h = await startHarness(t);
  const stack = await h.createStack();
  await h.tick();
  for (let i = 0; i < 5; i++) await h.tick(600);
  assert.equal((await h.checks(stack.id)).length, 1, 'nothing new within the hour');
  const report = await h.tick(600);
  assert.equal(report.samples, 1);
  assert.equal((await h.checks(stack.id)).length, 2, 'the hourly sample');
  h.fake.crash(1, stack.name, 'app');
  await h.tick(60);
  const rows = await h.checks(stack.id);
  assert.equal(rows.length, 3, 'a change is recorded at once');
  assert.deepEqual([rows[2]!.ok, rows[2]!.instance_state, rows[2]!.detail], [false, 'exited', 'instance exited']);
});

test('history older than HEALTH_HISTORY_DAYS is deleted by the cycle, the rest kept', { timeout: 120_000 }, async (t) => {
  const h = await startHarness(t, { settings: { historyDays: 30 } });
  const stack = await h.createStack();
  const now = h.clock.at().getTime();
  for (const daysAgo of [45, 31, 29]) {
    await h.pool.query('insert into health_checks (stack_id, ok, instance_state, checked_at) values ($1, true, $2, $3)', [stack.id, 'running', new Date(now - daysAgo * 24 * HOUR)]);
  }
  const report = await h.cycle.run();
  assert.equal(report.purged, 2);
  const left = await h.checks(stack.id);
  assert.deepEqual(left.map((r) => Math.round((now - r.checked_at.getTime()) / (24 * HOUR))), [29, 0]);
});

test('uptime is the healthy share of the monitored time, a long silence counting neither way; the client page shows it with the timeline', { timeout: 120_000 }, async (t) => {
  const h = await startHarness(t);
  const stack = await h.createStack();
  const now = h.clock.at();
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR);
  const rows: [number, boolean][] = [[30, true], [3, true], [2, false], [1.5, true], [0.5, true]];
  for (const [hoursAgo, ok] of rows) {
    await h.pool.query('insert into health_checks (stack_id, ok, instance_state, http_status, latency_ms, detail, checked_at) values ($1, $2, $3, $4, $5, $6, $7)',
      [stack.id, ok, 'running', ok ? 200 : 503, 12, ok ? null : 'HTTP 503', at(hoursAgo)]);
  }
  // Each verdict holds until the next row, at most 1 h + 2 intervals (here 1 h 2 min): the 27 h silence after the
  // first row counts for 62 minutes only.
  const cap = 3_600 + 2 * h.settings.intervalSeconds;
  const known = cap + 3_600 + 1_800 + 3_600 + 1_800;
  const healthy = known - 1_800;
  const history = createHealthHistory({ db: h.db, intervalSeconds: h.settings.intervalSeconds });
  const figures = await history.forStack(stack.id, now);
  assert.ok(Math.abs(figures.uptime7d! - healthy / known) < 1e-9, `${figures.uptime7d} ≠ ${healthy / known}`);
  assert.equal(figures.uptime30d, figures.uptime7d);
  assert.equal(figures.timeline.length, 5);
  assert.equal(figures.timeline[0]!.checkedAt.getTime(), at(0.5).getTime(), 'newest first');

  // A window starting between two rows takes the state of the row before it.
  const windowed = await sumHealthySeconds(h.db, stack.id, at(2.5), now, cap);
  assert.deepEqual(windowed, { healthy: 1_800 + 3_600 + 1_800, known: 1_800 + 1_800 + 3_600 + 1_800 });
  assert.deepEqual(await createHealthHistory({ db: h.db, intervalSeconds: 60 }).forStack(stack.id + 1_000, now), { uptime7d: null, uptime30d: null, timeline: [] });

  const plans = loadPlans();
  const records = createClientRecordService({
    db: h.db, plans, healthHistory: { forStack: (id) => history.forStack(id, now) },
    orchestrator: { inspect: async () => { throw new Error('not used'); }, logs: async () => '' },
  });
  const record = await records.get({ type: 'staff', id: 1, label: 'julie@erp-btp.fr', role: 'viewer', ip: null }, stack.client_id);
  const page = clientBody({ record: record!, plans, role: 'viewer', csrfToken: 'x', now });
  const percent = (healthy / known * 100).toFixed(2).replace('.', ',');
  assert.match(page, new RegExp(`<dd data-uptime="7d">${percent}\\s%</dd>`, 'u'));
  assert.equal(page.match(/health-timeline__mark--ok/g)?.length, 4);
  assert.equal(page.match(/health-timeline__mark--failed/g)?.length, 1);
  assert.match(page, /<td>ne répond pas<\/td>/);
  assert.match(page, /HTTP 503/);
});
