// GET /api/v1/stacks with 100,000 clients and their stacks (target: p95 < 30 ms server-side, for every kind of
// query the route supports). Seeds the database of `erpbtp web` (embedded PostgreSQL in its own process; on
// DATABASE_URL, a throwaway database of that server) with the shared set-based seed, then times the service's
// `list()` directly (no HTTP), each kind once per round in turn, against `select 1` and a primary-key lookup of
// the same run; prints EXPLAIN (ANALYZE, BUFFERS) of the slowest input of each kind above the target (else a summary
// of the slowest kind's), and, for information, GET /api/v1/stacks?limit=50 over HTTP at 50 connections against
// GET /readyz. Usage: npm run bench:api:list [-- rounds]   (BENCH_EXPLAIN=1: the plans of every input of every kind)
import os from 'node:os';
import { drizzle } from 'drizzle-orm/node-postgres';
import { createApiKeysService } from '../src/api-keys/api-keys.service.ts';
import { type Actor, SYSTEM_ACTOR } from '../src/audit/actor.ts';
import { openDatabase } from '../src/db/database.ts';
import * as schema from '../src/db/schema.ts';
import type { StackListQuery } from '../src/http/api/schemas/stacks.schemas.ts';
import { createStacksApi } from '../src/http/api/stacks-api.service.ts';
import { mergeLoads, runLoad, summarizeLoad } from './lib/http-load.ts';
import { latencyStats, timeRounds } from './lib/rounds.ts';
import { createThrowawayDatabase, seedClients } from './lib/seed-clients.ts';
import { startWebProcess } from './lib/web-process.ts';

const CLIENTS = 100_000;
const TARGET_MS = 30;
const rounds = Number(process.argv[2] ?? 100);

const throwaway = process.env.DATABASE_URL ? await createThrowawayDatabase(process.env.DATABASE_URL, 'bench_api_stacks') : undefined;
const platform = await startWebProcess({ API_RATE_LIMIT: '1000000' }, { databaseUrl: throwaway?.url });
const database = openDatabase(platform.databaseUrl, { max: 4, applicationName: 'bench-api-list' });
try {
  console.log(`seeding ${CLIENTS} clients…`);
  const seeded = await seedClients(database.pool, CLIENTS);
  console.log(`seeded ${seeded.clients} clients, ${seeded.subscriptions} subscriptions, ${seeded.stacks} stacks in ${seeded.seconds.toFixed(1)} s `
    + `(${throwaway ? `database ${throwaway.name} on DATABASE_URL's server` : 'embedded PostgreSQL'})`);

  const created = await createApiKeysService({ db: database.db }).create(SYSTEM_ACTOR, { name: 'Bench API', scopes: ['stacks:read'] });
  if (created.status !== 'created') throw new Error(`API key not created: ${created.problems.join(', ')}`);
  const actor: Actor = { type: 'api_key', id: created.apiKey.id, label: created.apiKey.name, scopes: ['stacks:read'], ip: null };

  // The service as the platform builds it (list() reads only the database), on a Drizzle instance that can show its SQL.
  let captured: { sql: string; params: unknown[] }[] | undefined;
  const db = drizzle(database.pool, { schema, logger: { logQuery: (sql, params) => captured?.push({ sql, params }) } });
  const unused = () => Promise.reject(new Error('not used by list()'));
  const api = createStacksApi({ db, pool: database.pool, queue: { send: unused }, orchestrator: { inspect: unused } });
  const list = (query: StackListQuery) => api.list(actor, query);

  // Every page once, by cursor: the order is stable and complete (each stack once, by id), and the cursors of deep pages.
  const cursors: (string | undefined)[] = [undefined];
  let seen = 0;
  let previousName = '';
  for (let page = await list({}); ; page = await list({ cursor: page.nextCursor! })) {
    seen += page.items.length;
    if (page.items[0]?.name === previousName) throw new Error('a page repeats the previous one');
    previousName = page.items.at(-1)?.name ?? '';
    if (!page.nextCursor) break;
    cursors.push(page.nextCursor);
  }
  if (seen !== seeded.stacks) throw new Error(`the pages hold ${seen} stacks, not ${seeded.stacks}`);
  /** The cursor of page `n` (1-based) of a filtered list, following « nextCursor ». */
  const cursorOf = async (query: StackListQuery, n: number) => {
    let cursor: string | undefined;
    for (let i = 1; i < n; i++) cursor = (await list({ ...query, cursor })).nextCursor ?? undefined;
    return cursor;
  };
  console.log(`${cursors.length} pages of 50 followed by cursor: every stack once, in id order`);

  const kinds: { name: string; inputs: StackListQuery[] }[] = [
    { name: 'first page', inputs: [{}] },
    { name: 'page 50 (cursor)', inputs: [{ cursor: cursors[49] }] },
    { name: `last pages (cursor, page ~${cursors.length})`, inputs: [{ cursor: cursors.at(-1) }, { cursor: cursors.at(-2) }] },
    { name: 'status: running (40 %)', inputs: [{ status: 'running' }] },
    { name: 'status: failed (0.7 %)', inputs: [{ status: 'failed' }] },
    { name: 'status: provisioning (0.4 %)', inputs: [{ status: 'provisioning' }] },
    { name: 'status: deleted, page 50 (cursor)', inputs: [{ status: 'deleted', cursor: await cursorOf({ status: 'deleted' }, 50) }] },
    { name: 'plan: pro (15 %)', inputs: [{ plan: 'pro' }] },
    { name: 'plan: enterprise (5 %)', inputs: [{ plan: 'enterprise' }] },
    { name: 'plan: pro, page 50 (cursor)', inputs: [{ plan: 'pro', cursor: await cursorOf({ plan: 'pro' }, 50) }] },
    { name: 'status + plan (rare)', inputs: [{ status: 'failed', plan: 'enterprise' }, { status: 'degraded', plan: 'pro' }] },
    { name: 'search: company fragment', inputs: ['dupont', 'lefèvre', 'frères', 'maçonnerie mor', 'habitat'].map((search) => ({ search })) },
    { name: 'search: stack name', inputs: ['couverture-moreau', 'toiture-leroy-btp', 'plomberie-simon-sas', '-old-'].map((search) => ({ search })) },
    { name: 'search: no match', inputs: ['zzqx', 'introuvable', 'charpente-zz'].map((search) => ({ search })) },
    { name: 'search: 1-2 characters', inputs: ['ma', 'to', 'é', '7'].map((search) => ({ search })) },
    // No trigram in the search, no match: no index can answer, every stack and company is read.
    { name: 'search: 2 characters, no match', inputs: ['zz', 'qx'].map((search) => ({ search })) },
    {
      name: 'filter + search',
      inputs: [{ status: 'failed', search: 'martin' }, { plan: 'enterprise', search: 'plomberie' }, { status: 'running', plan: 'pro', search: 'sarl' },
        { status: 'provisioning', search: 'toiture' }],
    },
  ];

  const pkIds = Array.from({ length: 50 }, (_, i) => 2 * CLIENTS + 1 + ((i * 7919) % CLIENTS));
  const baselines: Record<string, (round: number) => Promise<unknown>> = {
    'select 1': () => database.pool.query('select 1'),
    'primary-key lookup (stacks)': (round) => database.pool.query('select * from stacks where id = $1', [pkIds[round % pkIds.length]]),
  };
  const loadAtStart = os.loadavg().map((n) => n.toFixed(2)).join(' ');
  const matches = new Map<string, number[]>(kinds.map((k) => [k.name, []]));
  const perInput = new Map<string, number[][]>(kinds.map((k) => [k.name, k.inputs.map(() => [])]));
  const samples = await timeRounds({
    rounds, baselines, kinds, run: list,
    onCall: ({ kind, input, round, ms, result }) => {
      perInput.get(kind.name)![input]!.push(ms);
      if (round < kind.inputs.length) matches.get(kind.name)!.push(result.items.length);
    },
  });
  const load = os.loadavg().map((n) => n.toFixed(2)).join(' ');

  const stats = latencyStats;
  const ms = (n: number) => `${n.toFixed(2).padStart(7)} ms`;
  const baseline = stats(samples.get('primary-key lookup (stacks)')!).p50;
  console.log(`\n${rounds} rounds, list() server-side (service call, no HTTP), ${seeded.stacks} stacks; ratio = p50 / primary-key lookup p50`);
  console.log(`machine: ${os.cpus().length} CPUs, load average ${loadAtStart} before the rounds, ${load} after (other processes skew the tails)`);
  console.log(`${'kind'.padEnd(40)} ${'p50'.padStart(10)} ${'p95'.padStart(10)} ${'max'.padStart(10)}  ${'ratio'.padStart(6)}  items per input`);
  const above: typeof kinds = [];
  let slowest = kinds[0]!;
  let slowestP95 = 0;
  for (const [label, values] of samples) {
    const { p50, p95, max } = stats(values);
    const kind = kinds.find((k) => k.name === label);
    if (kind && p95 >= TARGET_MS) above.push(kind);
    if (kind && p95 > slowestP95) [slowest, slowestP95] = [kind, p95];
    const ratio = kind ? `${(p50 / baseline).toFixed(1)}x` : '(base)';
    console.log(`${label.padEnd(40)} ${ms(p50)} ${ms(p95)} ${ms(max)}  ${ratio.padStart(6)}  ${kind ? matches.get(label)!.join(' ') : ''}${kind && p95 >= TARGET_MS ? '  ABOVE TARGET' : ''}`);
  }
  console.log(`target p95 < ${TARGET_MS} ms on every kind: ${above.length === 0 ? 'met' : `NOT met (${above.map((k) => k.name).join(', ')})`}`);

  // How PostgreSQL ran them: in full, the slowest input (by p50 in the rounds) of each kind above the target (every input of
  // every kind with BENCH_EXPLAIN); else a summary of the slowest kind's slowest input.
  const all = Boolean(process.env.BENCH_EXPLAIN);
  const full = all || above.length > 0;
  const explained = all ? kinds : above.length > 0 ? above : [slowest];
  console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of ${all ? 'every input of every kind' : full ? 'the slowest input of each kind above the target'
    : 'the slowest input of the slowest kind (summary: scans, joins, filters, buffers, time)'}`);
  for (const kind of explained) {
    const p50s = perInput.get(kind.name)!.map((values) => stats(values).p50);
    // (an input without samples, when there are fewer rounds than inputs, is NaN: never the slowest)
    const inputs = all ? kind.inputs.map((_, i) => i) : [p50s.reduce((slowestIndex, p50, i) => (p50 > p50s[slowestIndex]! ? i : slowestIndex), 0)];
    if (kind.inputs.length > 1) console.log(`\n${kind.name}, p50 per input: ${kind.inputs.map((input, i) => `${JSON.stringify(input)} ${p50s[i]!.toFixed(2)} ms`).join(', ')}`);
    for (const i of inputs) {
      captured = [];
      await list(kind.inputs[i]!);
      const statements = captured;
      captured = undefined;
      for (const statement of statements) {
        const { rows } = await database.pool.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${statement.sql}`, statement.params);
        const plan = rows.map((r) => r['QUERY PLAN']).filter((line) => full || /Scan|Join|Loop|SubPlan|Rows Removed|Buffers: shared|Execution Time/.test(line));
        console.log(`\n-- ${kind.name}: ${JSON.stringify(kind.inputs[i])}\n${plan.join('\n')}`);
      }
    }
  }

  // Over HTTP, for information: the first page of 50 at 50 connections, against GET /readyz (one SELECT 1), A B B A.
  const authorization = `Bearer ${created.key}`;
  const listing = (duration: number, connections = 50) => runLoad({ url: `${platform.url}/api/v1/stacks?limit=50`, connections, duration, headers: { authorization } });
  const readyz = (duration: number, connections = 50) => runLoad({ url: `${platform.url}/readyz`, connections, duration });
  await listing(2, 10);
  await readyz(2, 10);
  const httpLoad = os.loadavg().map((n) => n.toFixed(2)).join(' ');
  const a1 = await readyz(3);
  const b1 = await listing(3);
  const b2 = await listing(3);
  const a2 = await readyz(3);
  const [ready, pages] = [mergeLoads([a1, a2]), mergeLoads([b1, b2])].map(summarizeLoad);
  console.log(`\nover HTTP (web role in its own process, 50 connections, 6 s each in slices A B B A; load average ${httpLoad} before):`);
  for (const [label, r] of [['GET /readyz (baseline)', ready!], ['GET /api/v1/stacks?limit=50', pages!]] as const) {
    console.log(`${label.padEnd(28)} ${r.okPerSecond.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  non-2xx ${r.non2xx}  errors ${r.errors}`
      + `${r === ready ? '' : `  cost ${(ready!.okPerSecond / r.okPerSecond).toFixed(1)}x the baseline`}`);
  }
} finally {
  await database.close();
  await platform.stop();
  await throwaway?.drop();
}
