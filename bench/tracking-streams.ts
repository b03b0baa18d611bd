// Memory of 1,000 concurrent tracking streams on one web process (target: < 100 MB added).
// The web role runs in its own process (`erpbtp web`), so the client's sockets are not counted;
// its resident memory is read from /proc before and after the streams are open.
// Usage: npm run bench:streams [-- count]
import http from 'node:http';
import { startWebProcess } from './lib/web-process.ts';

const count = Number(process.argv[2] ?? 1000);
const web = await startWebProcess({ SIGNUP_RATE_LIMIT: '0' });
const base = web.url;
const rssMb = web.rssMb;
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
try {
  const page = await fetch(`${base}/essai`);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const signup = await fetch(`${base}/essai`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ nom: 'Martin', prenom: 'Julie', email: 'julie@martin-btp.fr', entreprise: 'Martin BTP', telephone: '0612345678', effectif: '1-5', plan: 'essai', cgv: 'on', _csrf: token }),
  });
  const tracking = signup.headers.get('location')!;
  const open = async (): Promise<http.IncomingMessage[]> => {
    const streams: http.IncomingMessage[] = [];
    await Promise.all(Array.from({ length: count }, () => new Promise<void>((resolve, reject) => {
      http.get(`${base}${tracking}/flux`, { agent }, (res) => {
        streams.push(res);
        res.once('data', () => resolve());
      }).on('error', reject);
    })));
    return streams;
  };
  // Warm-up: the same burst opened and closed first. The heap V8 grows to serve a burst of requests stays with the
  // process, and how much of it was already there depends on what the start left: without this, the figure measured
  // the heap's growth (41 to 115 MB for the same code) more than what open streams hold.
  for (const s of await open()) s.destroy();
  await new Promise((r) => setTimeout(r, 1500));
  const before = await rssMb();
  const streams = await open();
  await new Promise((r) => setTimeout(r, 1000));
  const after = await rssMb();
  console.log(`web process RSS: ${before.toFixed(1)} MB before, ${after.toFixed(1)} MB with ${streams.length} open streams`);
  console.log(`added: ${(after - before).toFixed(1)} MB, ${(((after - before) * 1024) / streams.length).toFixed(1)} KB per stream (target < 100 MB for 1,000)`);
  for (const s of streams) s.destroy();
} finally {
  await web.stop();
}
