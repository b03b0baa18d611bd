// Home page throughput as a ratio to a static file of the same size served by the same
// server in the same run (target >= 0.8). Usage: npm run bench:home [-- seconds]
import { unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startWebProcess } from './lib/web-process.ts';

const seconds = Number(process.argv[2] ?? 10);
const DESIGN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../design');

const platform = await startWebProcess();
const home = await (await fetch(`${platform.url}/`)).text();
const staticName = `bench-static-${process.pid}.html`;
const staticFile = path.join(DESIGN_DIR, staticName);
await writeFile(staticFile, 'x'.repeat(Buffer.byteLength(home)));
try {
  const run = (url: string) => autocannon({ url, connections: 50, duration: seconds, pipelining: 1 });
  // Warm both paths up, then measure them alternately so machine noise hits both.
  await autocannon({ url: `${platform.url}/`, connections: 10, duration: 2 });
  await autocannon({ url: `${platform.url}/assets/${staticName}`, connections: 10, duration: 2 });
  const dynamic = await run(`${platform.url}/`);
  const file = await run(`${platform.url}/assets/${staticName}`);
  const ratio = dynamic.requests.average / file.requests.average;
  console.log(`home page: ${Buffer.byteLength(home)} bytes`);
  console.log(`GET /              ${dynamic.requests.average.toFixed(0)} req/s  p99 ${dynamic.latency.p99} ms  errors ${dynamic.errors + dynamic.non2xx}`);
  console.log(`GET static (same)  ${file.requests.average.toFixed(0)} req/s  p99 ${file.latency.p99} ms  errors ${file.errors + file.non2xx}`);
  console.log(`ratio home/static: ${ratio.toFixed(2)} (target >= 0.8)`);
} finally {
  await unlink(staticFile).catch(() => undefined);
  await platform.stop();
}
