// Portainer calls per provisioning, with N existing stacks (default 1,000): the platform (web + worker,
// ORCHESTRATOR=portainer) from the trial form to a ready instance, every call counted on the fake Portainer,
// beside the original script's algorithm run against the same fake in the same run: log in, list the stacks,
// GET each one to read its APP_PORT (the free-port search), create (1 + 1 + N + 1).
// Target: ours <= 6, whatever N. Usage: npm run bench:portainer:calls [-- stacks]
import pg from 'pg';
import { startFakePortainer } from '../test/fakes/portainer/fake-portainer.ts';
import type { FakePortainer } from '../test/fakes/portainer/fake-portainer.ts';
import { createStacks, describeCalls, portainerEnv, submitTrial } from './lib/portainer.ts';
import { startBenchPlatform } from './lib/platform.ts';

const existing = Number(process.argv[2] ?? 1000);
/** The original system's compose file, reduced to what the fake needs: the port is only read back from the env. */
const ORIGINAL_FILE = 'services:\n  app:\n    image: registry.erp-btp.fr/erp-btp:latest\n    environment:\n      APP_PORT: ${APP_PORT}\n';

const fake = await startFakePortainer({ servePublishedPorts: true, loginRateLimit: false });
const platform = await startBenchPlatform(portainerEnv(fake), { web: true, worker: true });
const sql = new pg.Pool({ connectionString: platform.databaseUrl, max: 2 });
let signups = 0;

interface Measure {
  /** Stacks on the fake before the run. */
  n: number;
  calls: number;
  counts: Record<string, number>;
  ms: number;
}

/** One signup until its deployment succeeded; the calls the fake received meanwhile. */
async function ours(): Promise<Measure> {
  const n = fake.stacks().length;
  const email = `bench.${process.pid}.${signups++}@martin-btp.fr`;
  fake.resetCalls();
  const started = performance.now();
  await submitTrial(platform.url, { email, entreprise: `Martin Rénovation ${signups}` });
  for (;;) {
    const { rows: [row] } = await sql.query(
      'select d.state, d.error from deployments d join stacks s on s.id = d.stack_id join clients c on c.id = s.client_id where c.email = $1', [email]);
    if (row?.state === 'succeeded') break;
    if (row?.state === 'failed') throw new Error(`deployment failed: ${row.error}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { n, calls: fake.calls().length, counts: fake.callCounts(), ms: performance.now() - started };
}

/** Today's bash script, call for call (minus its `docker ps` scan, which is not a Portainer call). */
async function originalScript(portainer: FakePortainer, clientId: number): Promise<Measure & { port: number }> {
  const n = portainer.stacks().length;
  portainer.resetCalls();
  const started = performance.now();
  const login = await fetch(`${portainer.url}/api/auth`, { method: 'POST', body: JSON.stringify({ username: portainer.adminUsername, password: portainer.adminPassword }) });
  const headers = { Authorization: `Bearer ${((await login.json()) as { jwt: string }).jwt}` };
  const stacks = (await (await fetch(`${portainer.url}/api/stacks`, { headers })).json()) as { Id: number; Name: string }[];
  const used = new Set<number>();
  for (const { Id } of stacks) {
    const stack = (await (await fetch(`${portainer.url}/api/stacks/${Id}`, { headers })).json()) as { Env: { name: string; value: string }[] | null };
    const port = stack.Env?.find((e) => e.name === 'APP_PORT')?.value;
    if (port) used.add(Number(port));
  }
  let port = 8080;
  while (used.has(port)) port++;
  const name = `client_${clientId}`;
  if (stacks.some((s) => s.Name === name)) throw new Error(`${name} exists`);
  const created = await fetch(`${portainer.url}/api/stacks/create/standalone/string?endpointId=1`, {
    method: 'POST', headers,
    body: JSON.stringify({ name, stackFileContent: ORIGINAL_FILE, env: [{ name: 'APP_PORT', value: String(port) }, { name: 'CLIENT_ID', value: String(clientId) }] }),
  });
  if (created.status !== 200) throw new Error(`create answered ${created.status}`);
  return { n, calls: portainer.calls().length, counts: portainer.callCounts(), ms: performance.now() - started, port };
}

try {
  const first = await ours();
  const next = await ours();
  const baselineEmpty = await originalScript(fake, 100_000);
  await createStacks(fake, existing, (i) => ({
    path: '/api/stacks/create/standalone/string?endpointId=1',
    body: { name: `client_${i + 1}`, stackFileContent: ORIGINAL_FILE, env: [{ name: 'APP_PORT', value: String(8081 + i) }] },
  }));
  const atScale = await ours();
  const baseline = await originalScript(fake, 100_001);
  const row = (label: string, r: Measure) =>
    console.log(`  ${`${label}, N = ${r.n}`.padEnd(64)} ${String(r.calls).padStart(5)} calls, ${(r.ms / 1000).toFixed(2)} s   ${describeCalls(r.counts)}`);
  console.log('Portainer calls per provisioning against the fake Portainer, N = stacks already there');
  row('ours, first provisioning (detects the environment\'s mode)', first);
  row('ours, next provisioning', next);
  row('ours', atScale);
  row('original script', baselineEmpty);
  row('original script', baseline);
  console.log(`ours: ${atScale.calls} calls with N = ${atScale.n}, ${next.calls} with N = ${next.n} (target <= 6, independent of N); original: ${baseline.calls} calls (1 + 1 + N + 1), ${(baseline.calls / atScale.calls).toFixed(0)}x ours`);
  console.log('ours is trial form → instance ready (deploy, then its containers\' state, one Docker-proxy call each); the original only creates, and tells the customer to wait 1-2 minutes');
  console.log(`original script's free-port search + create: ${(baseline.ms / 1000).toFixed(2)} s with N = ${baseline.n}, ${(baselineEmpty.ms / 1000).toFixed(2)} s with N = ${baselineEmpty.n} (port found: ${baseline.port})`);
} finally {
  await sql.end();
  await platform.stop();
  await fake.close();
}
