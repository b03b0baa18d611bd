// The tenant log files: size-based rotation keeping N files, and reading the last lines across them.
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { RotatingLog, tailFile, tailFiles } from '../../../../src/orchestrators/local/rotating-log.ts';

test('rotates by size, keeps the configured number of files, and tails across them', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'erpbtp-rotlog-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'tenant.log');
  const log = new RotatingLog(file, { maxBytes: 1_000, files: 3 });
  for (let i = 0; i < 100; i++) log.write(`line ${String(i).padStart(3, '0')} ${'x'.repeat(40)}\n`);
  await log.close();
  log.write('dropped after close\n');

  assert.deepEqual(log.paths(), [file, `${file}.1`, `${file}.2`]);
  for (const p of log.paths()) assert.ok(statSync(p).size <= 1_000, p);
  assert.ok(!existsSync(`${file}.3`));
  assert.equal(statSync(file).mode & 0o777, 0o600);

  const last = await tailFiles(log.paths(), 30);
  assert.equal(last.length, 30);
  assert.deepEqual(
    last.map((l) => l.slice(0, 8)),
    Array.from({ length: 30 }, (_, i) => `line ${String(70 + i).padStart(3, '0')}`),
  );
  const all = await tailFiles(log.paths(), 1_000);
  assert.ok(all.length < 100 && all.length >= 40, `kept ${all.length} lines`);
  assert.equal(all.at(-1)?.slice(0, 8), 'line 099');
  assert.deepEqual(await tailFile(path.join(dir, 'missing.log'), 5), []);

  // Reopening appends to the current file.
  const again = new RotatingLog(file, { maxBytes: 1_000, files: 3 });
  again.write('after reopen\n');
  await again.close();
  assert.equal((await tailFile(file, 1))[0], 'after reopen');
});

test('tail reads a large file from its end', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'erpbtp-rotlog-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'big.log');
  const log = new RotatingLog(file, { maxBytes: 10 * 1024 * 1024 });
  for (let i = 0; i < 20_000; i++) log.write(`entry ${i} ${'é'.repeat(20)}\n`);
  await log.close();
  const lines = await tailFile(file, 3);
  assert.deepEqual(lines, [19_997, 19_998, 19_999].map((i) => `entry ${i} ${'é'.repeat(20)}`));
});
