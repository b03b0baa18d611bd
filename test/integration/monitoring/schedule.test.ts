// The schedule across processes: every worker offers the cycle's job, pg-boss keeps one per interval slot, so two
// workers started together run one cycle between them.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { startQueue } from '../../../src/jobs/queue.ts';
import type { CycleReport, HealthCycle } from '../../../src/monitoring/health-cycle.ts';
import { startMonitoring } from '../../../src/monitoring/monitoring.jobs.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { captureLogger } from '../../helpers/logs.ts';

test('two workers started together run one health cycle per interval slot between them', { timeout: 60_000 }, async (t) => {
  const database = await createTestDatabase();
  const logs = captureLogger();
  const runs: string[] = [];
  const counting = (worker: string): HealthCycle => ({
    run: async () => {
      runs.push(worker);
      return { ran: true } as CycleReport;
    },
  });
  const queues = [await startQueue(database.url, logs.log), await startQueue(database.url, logs.log)];
  // An hour-long slot: the two workers' offers cannot straddle two slots.
  const monitors = await Promise.all(queues.map((queue, i) => startMonitoring({ queue, cycle: counting(`worker-${i}`), intervalSeconds: 3_600, log: logs.log })));
  t.after(async () => {
    for (const m of monitors) await m.stop();
    for (const q of queues) await q.stop({ graceful: false });
    await database.drop();
  });

  const deadline = Date.now() + 20_000;
  while (runs.length === 0 && Date.now() < deadline) await sleep(100);
  await sleep(2_500);
  assert.equal(runs.length, 1, `one cycle, run by ${runs.join(', ')}`);
  const { rows } = await queues[0]!.boss.getDb().executeSql(`select count(*)::int as n from pgboss.job where name = 'monitoring.cycle'`);
  assert.equal((rows[0] as { n: number }).n, 1, 'one job for the slot');
});
