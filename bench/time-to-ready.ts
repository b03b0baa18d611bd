// Time to ready: trial form submitted → the tenant's /health answers 200, with the local
// orchestrator on the embedded PostgreSQL. 20 sequential signups (p50/p95), then 20
// simultaneous ones (time until all are ready), and the platform's own CPU time per
// provisioning (tenants are child processes: their start-up is not counted).
// The original system: a 5-minute blocking script, a 40 s container start period, then
// "wait 1-2 minutes". Usage: npm run bench:ready [-- count]
import pg from 'pg';
import { percentile, startBenchPlatform } from './lib/platform.ts';

const count = Number(process.argv[2] ?? 20);
// The platform's default concurrency, unless PROVISIONING_CONCURRENCY is set to compare another.
const concurrency: Record<string, string> = process.env.PROVISIONING_CONCURRENCY ? { PROVISIONING_CONCURRENCY: process.env.PROVISIONING_CONCURRENCY } : {};
const platform = await startBenchPlatform({ SIGNUP_RATE_LIMIT: '0', ...concurrency }, { web: true, worker: true });
const sql = new pg.Pool({ connectionString: platform.databaseUrl, max: 2 });
let n = 0;

async function signupUntilReady(): Promise<number> {
  const started = performance.now();
  const page = await fetch(`${platform.url}/essai`);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const email = `bench${process.pid}.${n++}@martin-btp.fr`;
  const response = await fetch(`${platform.url}/essai`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ nom: 'Martin', prenom: 'Julie', email, entreprise: 'Martin Rénovation', telephone: '0612345678', effectif: '1-5', plan: 'essai', cgv: 'on', _csrf: token }),
  });
  if (response.status !== 303) throw new Error(`signup answered ${response.status}`);
  for (;;) {
    const { rows } = await sql.query('select s.url from stacks s join clients c on c.id = s.client_id where c.email = $1', [email]);
    const url = rows[0]?.url as string | undefined;
    if (url && (await fetch(`${url}/health`).then((r) => r.status === 200, () => false))) return performance.now() - started;
    if (performance.now() - started > 120_000) throw new Error('not ready after 120 s');
    await new Promise((r) => setTimeout(r, 25));
  }
}

try {
  const cpuBefore = process.cpuUsage();
  const sequential: number[] = [];
  for (let i = 0; i < count; i++) sequential.push(await signupUntilReady());
  const cpu = process.cpuUsage(cpuBefore);
  sequential.sort((a, b) => a - b);
  console.log(`sequential, ${count} signups: p50 ${(percentile(sequential, 50) / 1000).toFixed(2)} s, p95 ${(percentile(sequential, 95) / 1000).toFixed(2)} s, max ${(sequential.at(-1)! / 1000).toFixed(2)} s (target p50 < 3 s)`);
  console.log(`platform CPU per provisioning (user+system, tenants excluded): ${((cpu.user + cpu.system) / 1000 / count).toFixed(0)} ms`);
  const burstStart = performance.now();
  const burst = await Promise.all(Array.from({ length: count }, () => signupUntilReady()));
  console.log(`simultaneous, ${count} signups: all ready in ${((performance.now() - burstStart) / 1000).toFixed(2)} s, slowest ${(Math.max(...burst) / 1000).toFixed(2)} s (target < 20 s)`);
  console.log('original system: up to 5 min blocked on the form, then a 40 s container start period and "wait 1-2 minutes"');
} finally {
  await sql.end();
  await platform.stop();
}
