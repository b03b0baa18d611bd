import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, describeConfig, loadConfig } from '../../../src/config.ts';
import { loadPlans } from '../../../src/plans/plans.ts';

test('has embedded defaults when nothing is set', () => {
  const config = loadConfig({}, '/srv/app');
  assert.equal(config.port, 3000);
  assert.equal(config.dataDir, path.resolve('/srv/app/data'));
  assert.equal(config.embeddedDatabase, true);
  assert.equal(config.orchestrator, 'local');
  assert.equal(config.publicUrl, 'http://localhost:3000');
  assert.equal(config.signupRateLimit, 5);
});

test('reports every invalid variable at once, naming it and what is expected', () => {
  assert.throws(
    () => loadConfig({ PORT: 'abc', ORCHESTRATOR: 'kubernetes', DATABASE_URL: 'mysql://u:secret@h/db', LOG_LEVEL: 'loud' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 4);
      assert.match(error.message, /PORT : attendu un entier entre 0 et 65535, reçu « abc »/);
      assert.match(error.message, /ORCHESTRATOR : attendu une des valeurs : local/);
      assert.match(error.message, /DATABASE_URL : attendu une URL postgres: ou postgresql:, reçu « \*\*\* »/);
      assert.doesNotMatch(error.message, /secret/);
      return true;
    },
  );
});

test('masks secrets in the effective configuration', () => {
  const config = loadConfig({ DATABASE_URL: 'postgres://erp:topsecret@db:5432/erpbtp', PUBLIC_URL: 'https://cloud.erp-btp.fr/' });
  const described = describeConfig(config);
  assert.equal(described.DATABASE_URL, 'postgres://erp:***@db:5432/erpbtp');
  assert.equal(described.PUBLIC_URL, 'https://cloud.erp-btp.fr');
  assert.equal(config.embeddedDatabase, false);
});

test('loads the default plans with the seed figures', () => {
  const plans = loadPlans();
  assert.deepEqual(plans.map((p) => [p.id, p.monthlyPrice, p.quotas.users, p.quotas.projects, p.quotas.storageGb]), [
    ['essai', 0, 2, 5, 1], ['starter', 29, 5, 50, 10], ['pro', 69, 15, -1, 50], ['enterprise', null, -1, -1, -1],
  ]);
});

test('rejects an invalid plans file with a clear error', () => {
  assert.throws(() => loadPlans('/nonexistent/plans.json'), /PLANS_FILE : fichier de plans invalide/);
});
