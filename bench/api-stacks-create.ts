// POST /api/v1/stacks at 50 concurrent clients, against `erpbtp web` in its own process: throughput and
// p50/p99 latency, each request a new client (distinct e-mail and company), first without then with an
// `Idempotency-Key` header (a distinct key per request: the cost of the idempotency record, never a replay).
// The API key has stacks:write, made by the API keys service as the `erpbtp api-keys` CLI does; the per-key
// rate limit is raised (API_RATE_LIMIT). GET /readyz (one `SELECT 1`) on the same server, at the same
// concurrency, is the baseline.
// Usage: npm run bench:api:create [-- seconds]
import os from 'node:os';
import { createApiKeysService } from '../src/api-keys/api-keys.service.ts';
import { SYSTEM_ACTOR } from '../src/audit/actor.ts';
import { openDatabase } from '../src/db/database.ts';
import { type LoadSample, mergeLoads, runLoad, summarizeLoad } from './lib/http-load.ts';
import { startWebProcess } from './lib/web-process.ts';

const seconds = Number(process.argv[2] ?? 10);
const CONNECTIONS = 50;
const platform = await startWebProcess({ API_RATE_LIMIT: '1000000', SIGNUP_RATE_LIMIT: '0' });
const database = openDatabase(platform.databaseUrl, { max: 2, applicationName: 'bench-api-create' });
try {
  const created = await createApiKeysService({ db: database.db }).create(SYSTEM_ACTOR, { name: 'Bench API', scopes: ['stacks:write'] });
  if (created.status !== 'created') throw new Error(`API key not created: ${created.problems.join(', ')}`);
  const authorization = `Bearer ${created.key}`;

  let n = 0;
  /** A new client each time, as a billing system would send them: the trial form's fields. */
  const body = () => {
    const i = ++n;
    return JSON.stringify({
      nom: 'Martin', prenom: 'Julie', email: `julie.${process.pid}.${i}@martin-renovation.fr`, entreprise: `Martin Rénovation ${i}`,
      telephone: '06 12 34 56 78', effectif: '1-5', plan: 'starter', cgv: true,
    });
  };
  const headers = { authorization, 'content-type': 'application/json' };
  const check = await fetch(`${platform.url}/api/v1/stacks`, { method: 'POST', headers, body: body() });
  if (check.status !== 202) throw new Error(`POST /api/v1/stacks answered ${check.status}: ${await check.text()}`);

  const post = (idempotency: boolean, duration: number, connections = CONNECTIONS) => runLoad({
    url: `${platform.url}/api/v1/stacks`, connections, duration,
    requests: [{
      method: 'POST', headers,
      setupRequest: (req) => ({
        ...req, body: body(),
        ...(idempotency ? { headers: { ...req.headers, 'idempotency-key': `bench-${process.pid}-${n}` } } : {}),
      }),
    }],
  });
  const readyz = (duration: number, connections = CONNECTIONS) => runLoad({ url: `${platform.url}/readyz`, connections, duration });

  // Warm-up (JIT, pools, plans), then each measurement in two slices, in the order A B C C B A: the machine's
  // noise and the database's growth (every POST adds a client) hit the three alike.
  await post(false, 2, 10);
  await post(true, 2, 10);
  await readyz(2, 10);
  const loadAtStart = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const half = seconds / 2;
  const slices = { baseline: [] as LoadSample[], plain: [] as LoadSample[], keyed: [] as LoadSample[] };
  slices.baseline.push(await readyz(half));
  slices.plain.push(await post(false, half));
  slices.keyed.push(await post(true, half));
  slices.keyed.push(await post(true, half));
  slices.plain.push(await post(false, half));
  slices.baseline.push(await readyz(half));
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');

  const { rows: [written] } = await database.pool.query<{ stacks: number; keys: number }>(
    `select (select count(*) from stacks)::int as stacks, (select count(*) from idempotency_keys)::int as keys`);
  const [baseline, plain, keyed] = [slices.baseline, slices.plain, slices.keyed].map((s) => summarizeLoad(mergeLoads(s)));
  console.log(`POST /api/v1/stacks, ${CONNECTIONS} connections, ${seconds} s per measurement (2 slices, order A B C C B A), a new client per request;`
    + ' web role in its own process');
  console.log(`machine: ${os.cpus().length} CPUs, load average ${loadAtStart} before, ${load} after (other processes skew the figures)`);
  console.log(`${'measure'.padEnd(34)} ${'2xx/s'.padStart(7)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'max'.padStart(9)} ${'2xx'.padStart(6)} ${'non-2xx'.padStart(8)} ${'errors'.padStart(7)}  cost`);
  const ms = (n: number) => `${n.toFixed(1)}ms`.padStart(9);
  const line = (label: string, r: ReturnType<typeof summarizeLoad>) => {
    const cost = r === baseline ? '1.0x (baseline)' : `${(baseline!.okPerSecond / r.okPerSecond).toFixed(1)}x`;
    console.log(`${label.padEnd(34)} ${r.okPerSecond.toFixed(0).padStart(7)} ${ms(r.p50)} ${ms(r.p99)} ${ms(r.max)} ${String(r.ok).padStart(6)} ${String(r.non2xx).padStart(8)} `
      + `${String(r.errors).padStart(7)}  ${cost}${r.otherStatuses ? `  (${r.otherStatuses})` : ''}`);
  };
  line('GET /readyz (baseline, SELECT 1)', baseline!);
  line('POST /stacks', plain!);
  line('POST /stacks + Idempotency-Key', keyed!);
  console.log('2xx/s: for POST, stacks created (202) per second; cost: baseline 2xx/s divided by that rate (how many GET /readyz one creation costs)');
  console.log(`Idempotency-Key against none: throughput ${(keyed!.okPerSecond / plain!.okPerSecond).toFixed(2)}x, p99 ${(keyed!.p99 / plain!.p99).toFixed(2)}x`);
  console.log(`written: ${written!.stacks} stacks (warm-up and check included), ${written!.keys} idempotency records`);
} finally {
  await database.close();
  await platform.stop();
}
