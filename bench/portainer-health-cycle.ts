// One health cycle over 5,000 stacks on 2 environments (half standalone Compose stacks on environment 1, half Swarm
// stacks on environment 2), as the driver does it: inspectAll on each environment, counted and timed against the
// fake Portainer. Baselines in the same run: one inspect per stack (a Docker-proxy listing each) on a sample,
// extrapolated to every stack; and one bare GET /api/stacks of the 5,000 stacks (whose Status says nothing of health).
// Targets: 2-4 calls, < 1 s. Usage: npm run bench:portainer:health [-- stacks] [-- cycles]
import pino from 'pino';
import { createPortainerOrchestrator } from '../src/orchestrators/portainer/portainer-orchestrator.ts';
import { startFakePortainer } from '../test/fakes/portainer/fake-portainer.ts';
import { percentile } from './lib/platform.ts';
import { createStacks, describeCalls, ourStack } from './lib/portainer.ts';

const total = Number(process.argv[2] ?? 5000);
const cycles = Number(process.argv[3] ?? 10);
const SAMPLE = 100;
/** The fake's defaults: 1 is a standalone Docker, 2 a swarm manager. */
const ENVIRONMENTS = ['1', '2'];

const fake = await startFakePortainer();
const orchestrator = createPortainerOrchestrator({ url: fake.url, apiKey: fake.apiKey, environments: ENVIRONMENTS, log: pino({ level: 'silent' }) });
try {
  const perEnvironment = Math.ceil(total / ENVIRONMENTS.length);
  const name = (env: string, i: number) => `erp-${env}-${i}`;
  for (const env of ENVIRONMENTS) {
    const swarmId = env === '2' ? fake.swarmId(2) : null;
    await createStacks(fake, perEnvironment, (i) => ourStack(Number(env), swarmId, name(env, i), 20000 + i));
  }
  console.log(`${fake.stacks().length} stacks of ours: ${fake.containers().length} containers, ${fake.services(2).length} swarm services, ${fake.tasks(2).length} tasks`);

  const cycle = async () => {
    fake.resetCalls();
    const started = performance.now();
    const seen = await Promise.all(ENVIRONMENTS.map((env) => orchestrator.inspectAll(env)));
    const ms = performance.now() - started;
    const stacks = seen.reduce((sum, states) => sum + states.size, 0);
    if (stacks !== perEnvironment * ENVIRONMENTS.length) throw new Error(`the cycle saw ${stacks} stacks`);
    return { ms, calls: fake.calls().length, counts: fake.callCounts() };
  };
  const first = await cycle();
  const steady = [];
  for (let i = 0; i < cycles; i++) steady.push(await cycle());
  const times = steady.map((c) => c.ms).sort((a, b) => a - b);
  const median = percentile(times, 50);

  // Baseline 1: one inspect per stack, on a sample of each environment, extrapolated to every stack.
  fake.resetCalls();
  let sampleMs = 0;
  for (const env of ENVIRONMENTS) {
    const started = performance.now();
    for (let i = 0; i < SAMPLE; i++) await orchestrator.inspect(env, name(env, i));
    sampleMs += ((performance.now() - started) / SAMPLE) * perEnvironment;
  }
  const perStackCalls = (fake.calls().length / (SAMPLE * ENVIRONMENTS.length)) * perEnvironment * ENVIRONMENTS.length;

  // Baseline 2: one bare call listing every stack.
  const lists: number[] = [];
  for (let i = 0; i < cycles; i++) {
    const started = performance.now();
    const response = await fetch(`${fake.url}/api/stacks`, { headers: { 'X-API-Key': fake.apiKey } });
    await response.arrayBuffer();
    lists.push(performance.now() - started);
  }
  const listMedian = percentile(lists.sort((a, b) => a - b), 50);

  console.log(`first cycle (detects each environment's mode): ${first.calls} calls, ${first.ms.toFixed(0)} ms   ${describeCalls(first.counts)}`);
  console.log(`one health cycle over ${perEnvironment * ENVIRONMENTS.length} stacks on ${ENVIRONMENTS.length} environments: ${steady[0]!.calls} calls (target 2-4), median ${median.toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms over ${cycles} cycles (target < 1 s)   ${describeCalls(steady[0]!.counts)}`);
  console.log(`baseline, one inspect per stack (sample of ${SAMPLE} per environment, extrapolated): ${perStackCalls.toFixed(0)} calls, ${(sampleMs / 1000).toFixed(1)} s: ${(sampleMs / median).toFixed(0)}x the cycle's time`);
  console.log(`baseline, one bare GET /api/stacks of every stack (Status only, no health): median ${listMedian.toFixed(0)} ms: the cycle takes ${(median / listMedian).toFixed(1)}x that`);
} finally {
  await orchestrator.close();
  await fake.close();
}
