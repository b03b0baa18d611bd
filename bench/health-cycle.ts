// One health cycle (src/monitoring) over 10,000 stacks spread on 5 standalone environments of the fake Portainer,
// as the worker runs it: the stacks read from PostgreSQL (embedded, in a temporary directory), one inspect-all per
// environment, an HTTP probe of each running instance, the state machine, one UPDATE and the history rows.
// The instances are a local HTTP server in a child process (its CPU is not ours) answering GET /i/<n>/health.
// Figures: orchestrator calls (target 5), probes per second, wall and CPU time (process.cpuUsage: this process,
// which also runs the fake Portainer), for a first cycle (every stack's first history row), a steady cycle, and a
// cycle where 10 % of the instances never answer (at the default 20 probes in flight and 5 s timeout, then at 200).
// Baselines in the same run: the 5 bare inspectAll calls, and the same 10,000 GETs sent without the cycle around.
// Usage: npm run bench:health [-- stacks] [-- concurrency for the last run]
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { openDatabase, runMigrations } from '../src/db/database.ts';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import type { AlertSink } from '../src/monitoring/alert-sink.ts';
import { type CycleReport, createHealthCycle, type MonitoringSettings } from '../src/monitoring/health-cycle.ts';
import { createLimiter, type Probe, probeInstance } from '../src/monitoring/instance-probe.ts';
import { createPortainerOrchestrator } from '../src/orchestrators/portainer/portainer-orchestrator.ts';
import { startFakePortainer } from '../test/fakes/portainer/fake-portainer.ts';
import { createStacks, describeCalls, ourStack } from './lib/portainer.ts';

const total = Number(process.argv[2] ?? 10_000);
const wideConcurrency = Number(process.argv[3] ?? 200);
const ENVIRONMENTS = ['1', '2', '3', '4', '5'];
const HANG_EVERY = 10;
const settings: MonitoringSettings = { intervalSeconds: 300, probeTimeoutMs: 5_000, probeConcurrency: 20, healAfterSeconds: 120, historyDays: 30 };
const log = pino({ level: 'silent' });

// The instances: one server in a child process; `hang` makes every 10th instance never answer.
const TARGET = `
import { createServer } from 'node:http';
let hang = false;
process.on('message', (m) => { hang = m.hang; process.send('ok'); });
const server = createServer((req, res) => {
  const m = /^\\/i\\/(\\d+)\\/health$/.exec(req.url ?? '');
  if (!m) return void res.writeHead(404).end();
  if (hang && Number(m[1]) % ${HANG_EVERY} === 0) return;
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
`;

const tmp = await mkdtemp(path.join(os.tmpdir(), 'erpbtp-bench-health-'));
const target = spawn(process.execPath, ['--input-type=module', '-e', TARGET], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const targetPort = await new Promise<number>((resolve) => target.once('message', (port) => resolve(Number(port))));
const setHang = (hang: boolean) => new Promise<void>((resolve) => {
  target.once('message', () => resolve());
  target.send({ hang });
});

const postgres = await startEmbeddedPostgres({ directory: tmp, log });
const database = openDatabase(postgres.url, { max: 10 });
const fake = await startFakePortainer({ environments: ENVIRONMENTS.map((id) => ({ id: Number(id), name: `docker-${id}`, swarm: false })) });
const orchestrator = createPortainerOrchestrator({ url: fake.url, apiKey: fake.apiKey, environments: ENVIRONMENTS, log });
try {
  await runMigrations(database.pool, log);
  const perEnvironment = Math.ceil(total / ENVIRONMENTS.length);
  let started = performance.now();
  for (const env of ENVIRONMENTS) await createStacks(fake, perEnvironment, (i) => ourStack(Number(env), null, `erp-${env}-${i}`, 20000 + i));
  await seedDatabase(perEnvironment * ENVIRONMENTS.length);
  console.log(`seeded ${fake.stacks().length} stacks (${fake.containers().length} containers) on ${ENVIRONMENTS.length} environments and in PostgreSQL in ${((performance.now() - started) / 1000).toFixed(0)} s`);

  const timing = { first: Infinity, last: 0 };
  const timedProbe: Probe = async (url, options) => {
    timing.first = Math.min(timing.first, performance.now());
    const result = await probeInstance(url, options);
    timing.last = Math.max(timing.last, performance.now());
    return result;
  };
  const alerts: AlertSink = { open: async () => undefined, resolve: async () => undefined };
  const noQueue = { send: async () => { throw new Error('the bench queues nothing'); } };
  const cycleWith = (more: Partial<MonitoringSettings> = {}) => createHealthCycle({
    pool: database.pool, db: database.db, queue: noQueue, orchestrator, alerts, log, now: () => new Date(), settings: { ...settings, ...more }, probe: timedProbe,
  });

  async function measure(label: string, cycle: ReturnType<typeof cycleWith>) {
    timing.first = Infinity;
    timing.last = 0;
    fake.resetCalls();
    const cpu = process.cpuUsage();
    started = performance.now();
    const report = await cycle.run();
    const wallMs = performance.now() - started;
    const { user, system } = process.cpuUsage(cpu);
    print(label, report, wallMs, (user + system) / 1000, fake.calls().length, fake.callCounts());
  }

  function print(label: string, r: CycleReport, wallMs: number, cpuMs: number, calls: number, counts: Record<string, number>) {
    const probeSeconds = (timing.last - timing.first) / 1000;
    console.log(`${label}: ${r.checked} stacks checked, ${r.healthy} healthy, ${r.transitions} state changes, ${r.samples} history rows`);
    console.log(`  orchestrator calls: ${calls} (target 5)   ${describeCalls(counts)}`);
    console.log(`  probes: ${r.probes} in ${probeSeconds.toFixed(2)} s = ${(r.probes / probeSeconds).toFixed(0)}/s   wall ${(wallMs / 1000).toFixed(2)} s, CPU ${(cpuMs / 1000).toFixed(2)} s (${((cpuMs / wallMs) * 100).toFixed(0)} % of one core)`);
  }

  // Baseline 1: the 5 inspect-all calls alone (what the fake and the driver cost, without probes or database).
  fake.resetCalls();
  let cpu = process.cpuUsage();
  started = performance.now();
  const seen = await Promise.all(ENVIRONMENTS.map((env) => orchestrator.inspectAll(env)));
  let wall = performance.now() - started;
  let used = process.cpuUsage(cpu);
  console.log(`baseline, the ${ENVIRONMENTS.length} inspect-all calls alone (first: detects each environment's mode): ${seen.reduce((n, m) => n + m.size, 0)} stacks seen, ${fake.calls().length} calls, wall ${wall.toFixed(0)} ms, CPU ${((used.user + used.system) / 1000).toFixed(0)} ms`);
  fake.resetCalls();
  cpu = process.cpuUsage();
  started = performance.now();
  await Promise.all(ENVIRONMENTS.map((env) => orchestrator.inspectAll(env)));
  wall = performance.now() - started;
  used = process.cpuUsage(cpu);
  console.log(`baseline, the same again (steady): ${fake.calls().length} calls, wall ${wall.toFixed(0)} ms, CPU ${((used.user + used.system) / 1000).toFixed(0)} ms`);

  // Baseline 2: the same GETs at the same concurrency, without the cycle.
  const limit = createLimiter(settings.probeConcurrency);
  cpu = process.cpuUsage();
  started = performance.now();
  await Promise.all(Array.from({ length: total }, (_, g) => limit(() => probeInstance(`http://127.0.0.1:${targetPort}/i/${g}/health`, { timeoutMs: settings.probeTimeoutMs }))));
  wall = performance.now() - started;
  used = process.cpuUsage(cpu);
  console.log(`baseline, ${total} bare GET /health, ${settings.probeConcurrency} at a time: ${(total / (wall / 1000)).toFixed(0)}/s, wall ${(wall / 1000).toFixed(2)} s, CPU ${((used.user + used.system) / 1e6).toFixed(2)} s`);

  await measure('first cycle (every stack gets its first history row; modes already detected by the baseline)', cycleWith());
  await measure('steady cycle', cycleWith());
  await setHang(true);
  console.log(`10 % of the instances never answer: expect about ${Math.ceil(total / HANG_EVERY / settings.probeConcurrency) * (settings.probeTimeoutMs / 1000)} s of timeouts at ${settings.probeConcurrency} probes in flight`);
  await measure(`10 % timing out, ${settings.probeConcurrency} probes in flight, ${settings.probeTimeoutMs / 1000} s timeout`, cycleWith());
  await resetHealth();
  await measure(`10 % timing out, ${wideConcurrency} probes in flight, ${settings.probeTimeoutMs / 1000} s timeout`, cycleWith({ probeConcurrency: wideConcurrency }));
} finally {
  await orchestrator.close();
  await fake.close();
  await database.close();
  await postgres.stop();
  target.kill();
  await rm(tmp, { recursive: true, force: true });
}

/** Clients and their running stacks, numbered g = 0…n-1: stack erp-<env>-<i> answers at /i/<g>/health. */
async function seedDatabase(count: number): Promise<void> {
  await database.pool.query(`
    with g as (select g, (g % ${ENVIRONMENTS.length}) + 1 as env, g / ${ENVIRONMENTS.length} as i from generate_series(0, $1::int - 1) g),
    c as (
      insert into clients (entreprise, nom, prenom, email, telephone, effectif)
      select 'Entreprise ' || g, 'Martin', 'Julie', 'c' || g || '@example.fr', '+33612345678', '1-5' from g
      returning id, email
    )
    insert into stacks (client_id, name, orchestrator, environment, port, url, desired_state, observed_state)
    select c.id, 'erp-' || g.env || '-' || g.i, 'portainer', g.env::text, 20000 + g.i, 'http://127.0.0.1:' || $2::int || '/i/' || g.g, 'running', 'running'
    from g join c on c.email = 'c' || g.g || '@example.fr'`, [count, targetPort]);
  await database.pool.query('analyze');
}

/** Back to healthy between the two timeout runs, so both see the same first failures (no second failure → no restart). */
async function resetHealth(): Promise<void> {
  await database.pool.query(`update stacks set observed_state = 'running', health_failures = 0, health_successes = 1, health_status = 'healthy'`);
  await database.pool.query('delete from health_checks where not ok');
}
