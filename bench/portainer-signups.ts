// N trial signups at once (default 100) through the real platform (web + worker, ORCHESTRATOR=portainer) with the
// fake Portainer taking 2 s per deploy under its global deploy lock, as Portainer serialises every deploy of the
// instance: all ready, none lost, none duplicated; total time against the theoretical floor (N deploys × 2 s, one
// at a time). Usage: npm run bench:portainer:signups [-- count]; BENCH_DEPLOY_MS (default 2000),
// BENCH_HEALTHY_AFTER_MS (containers healthy this long after they start, default 1000), PROVISIONING_CONCURRENCY.
import pg from 'pg';
import { startFakePortainer } from '../test/fakes/portainer/fake-portainer.ts';
import { percentile, startBenchPlatform } from './lib/platform.ts';
import { describeCalls, portainerEnv, submitTrial } from './lib/portainer.ts';

const count = Number(process.argv[2] ?? 100);
const deployMs = Number(process.env.BENCH_DEPLOY_MS ?? 2000);
const healthyAfterMs = Number(process.env.BENCH_HEALTHY_AFTER_MS ?? 1000);
const TIMEOUT_MS = count * deployMs * 3 + 120_000;

const fake = await startFakePortainer({ servePublishedPorts: true, latency: { deployMs, healthyAfterMs } });
// One environment: in port mode every stack of the fake publishes on this one loopback host. Portainer's deploy lock
// is instance-wide anyway, so a second environment would not lower the floor.
const platform = await startBenchPlatform(portainerEnv(fake, {
  PROVISIONING_CONCURRENCY: process.env.PROVISIONING_CONCURRENCY ?? '4',
}), { web: true, worker: true });
const sql = new pg.Pool({ connectionString: platform.databaseUrl, max: 2 });

try {
  const started = performance.now();
  const emails = Array.from({ length: count }, (_, i) => `bench.${process.pid}.${i}@martin-btp.fr`);
  await Promise.all(emails.map((email, i) => submitTrial(platform.url, { email, entreprise: `Martin Rénovation ${i + 1}` })));
  const submittedMs = performance.now() - started;

  let states: Record<string, number> = {};
  for (;;) {
    const { rows } = await sql.query<{ state: string; n: number }>('select state, count(*)::int as n from deployments group by state');
    states = Object.fromEntries(rows.map((r) => [r.state, r.n]));
    if ((states.succeeded ?? 0) + (states.failed ?? 0) >= count) break;
    if (performance.now() - started > TIMEOUT_MS) throw new Error(`not finished after ${TIMEOUT_MS} ms: ${JSON.stringify(states)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const totalMs = performance.now() - started;

  const { rows: deployments } = await sql.query<{ name: string; url: string; ms: number }>(`
    select s.name, s.url, extract(epoch from d.finished_at - d.created_at) * 1000 as ms
    from deployments d join stacks s on s.id = d.stack_id where d.state = 'succeeded'`);
  const names = new Set(deployments.map((d) => d.name));
  const portainerNames = fake.stacks().map((s) => s.Name);
  const answering = (await Promise.all(deployments.map((d) => fetch(`${d.url}/health`).then((r) => r.status === 200, () => false)))).filter(Boolean).length;
  const lost = [...names].filter((name) => !portainerNames.includes(name)).length;
  const duplicated = portainerNames.length - new Set(portainerNames).size;
  const stats = fake.deployStats();
  const readyTimes = deployments.map((d) => Number(d.ms)).sort((a, b) => a - b);
  const floorMs = count * deployMs;

  console.log(`${count} signups at once (form answered for all in ${(submittedMs / 1000).toFixed(1)} s), fake Portainer: ${deployMs} ms per deploy under its global lock, containers healthy after ${healthyAfterMs} ms`);
  console.log(`ready: ${states.succeeded ?? 0}/${count}, failed: ${states.failed ?? 0}, lost (ready here, no stack in Portainer): ${lost}, duplicated stacks in Portainer: ${duplicated}, Portainer stacks: ${portainerNames.length}, answering /health: ${answering}`);
  console.log(`Portainer deploys: ${stats.completed} completed, ${stats.failed} failed, at most ${stats.maxConcurrent} at once; calls: ${describeCalls(fake.callCounts())}`);
  console.log(`all ready in ${(totalMs / 1000).toFixed(1)} s; theoretical floor ${(floorMs / 1000).toFixed(0)} s (${count} × ${deployMs / 1000} s, serialised): ${(totalMs / floorMs).toFixed(2)}x the floor`);
  console.log(`signup → ready per instance: p50 ${(percentile(readyTimes, 50) / 1000).toFixed(1)} s, p95 ${(percentile(readyTimes, 95) / 1000).toFixed(1)} s, max ${(readyTimes.at(-1)! / 1000).toFixed(1)} s`);
} finally {
  await sql.end();
  await platform.stop();
  await fake.close();
}
