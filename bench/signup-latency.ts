// Trial signups at 50 concurrent connections, each with a fresh e-mail: latency p50/p99 and
// signups per second (targets: p99 < 100 ms, >= 200/s), against `erpbtp web` in its own
// process. GET /readyz (one `SELECT 1`) on the same server is the baseline of the run.
// Usage: npm run bench:signup [-- seconds]
import autocannon from 'autocannon';
import { startWebProcess } from './lib/web-process.ts';

const seconds = Number(process.argv[2] ?? 10);
const platform = await startWebProcess({ SIGNUP_RATE_LIMIT: '0' });
try {
  const page = await fetch(`${platform.url}/essai`);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  if (!token) throw new Error('no CSRF token');

  let n = 0;
  const body = () => new URLSearchParams({
    nom: 'Martin', prenom: 'Julie', email: `julie.${process.pid}.${n++}@martin-btp.fr`, entreprise: 'Martin Rénovation',
    telephone: '06 12 34 56 78', effectif: '6-10', plan: 'essai', cgv: 'on', _csrf: token,
  }).toString();

  const baseline = await autocannon({ url: `${platform.url}/readyz`, connections: 50, duration: Math.max(3, seconds / 2) });
  const result = await autocannon({
    url: `${platform.url}/essai`, connections: 50, duration: seconds,
    requests: [{ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, setupRequest: (req) => ({ ...req, body: body() }) }],
  });
  const created = result['3xx'];
  console.log(`signups: ${created} created in ${seconds} s, ${(created / seconds).toFixed(0)} signups/s, non-3xx ${result.non2xx - created + result['2xx']}, errors ${result.errors}`);
  console.log(`latency: p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms (targets: p99 < 100 ms, >= 200/s)`);
  console.log(`baseline GET /readyz (one SELECT 1): ${baseline.requests.average.toFixed(0)} req/s, p99 ${baseline.latency.p99} ms`);
  console.log(`signup cost relative to the baseline request: ${(baseline.requests.average / (created / seconds)).toFixed(1)}x`);
} finally {
  await platform.stop();
}
