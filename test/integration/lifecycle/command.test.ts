// `erpbtp lifecycle run [--date …]` and the lifecycle's configuration.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { ConfigError, describeConfig, loadConfig } from '../../../src/config.ts';
import { openDatabase } from '../../../src/db/database.ts';
import { prepareLifecycleCommand } from '../../../src/lifecycle/lifecycle-command.ts';
import { startLifecycleHarness } from './lifecycle-harness.ts';

test('LIFECYCLE_RUN_AT and TRIAL_GRACE_DAYS: defaults, validation, and the effective configuration', () => {
  const defaults = loadConfig({});
  assert.deepEqual([defaults.lifecycleRunAt, defaults.trialGraceDays], ['07:00', 30]);
  const config = loadConfig({ LIFECYCLE_RUN_AT: '6:30', TRIAL_GRACE_DAYS: '45' });
  assert.deepEqual([config.lifecycleRunAt, config.trialGraceDays], ['06:30', 45]);
  assert.equal(describeConfig(config).LIFECYCLE_RUN_AT, '06:30 (heure de Paris)');
  assert.equal(describeConfig(config).TRIAL_GRACE_DAYS, 45);
  assert.throws(() => loadConfig({ LIFECYCLE_RUN_AT: '02:30', TRIAL_GRACE_DAYS: '1' }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.deepEqual(error.problems, [
      'LIFECYCLE_RUN_AT : attendu une heure « HH:MM » (heure de Paris), hors de 02:00-02:59 que les changements d’heure sautent ou doublent, reçu « 02:30 »',
      'TRIAL_GRACE_DAYS : attendu un entier entre 2 et 365, reçu « 1 »',
    ]);
    return true;
  });
  for (const bad of ['7h', '24:00', '07:60', '7:5']) assert.throws(() => loadConfig({ LIFECYCLE_RUN_AT: bad }), ConfigError, bad);
});

test('the command refuses bad arguments and a future date without --force', () => {
  const config = loadConfig({});
  const log = pino({ level: 'silent' });
  const now = () => new Date('2027-03-20T10:00:00Z');
  const errors: string[] = [];
  const original = console.error;
  console.error = (line: string) => errors.push(line);
  try {
    assert.equal(prepareLifecycleCommand(['lifecycle'], config, log, () => undefined, now), 2);
    assert.equal(prepareLifecycleCommand(['lifecycle', 'run', '--date', '2027-02-30'], config, log, () => undefined, now), 2);
    assert.equal(prepareLifecycleCommand(['lifecycle', 'run', '--date', '2027-03-23'], config, log, () => undefined, now), 2);
    assert.equal(prepareLifecycleCommand(['lifecycle', 'run', '--force'], config, log, () => undefined, now), 2);
    assert.equal(typeof prepareLifecycleCommand(['lifecycle', 'run', '--date', '2027-03-19'], config, log, () => undefined, now), 'function');
    assert.equal(typeof prepareLifecycleCommand(['lifecycle', 'run', '--date', '2027-03-23', '--force'], config, log, () => undefined, now), 'function');
  } finally {
    console.error = original;
  }
  assert.match(errors[0]!, /^Utilisation\u00a0: erpbtp lifecycle run/);
  assert.equal(errors[1], 'Date invalide « 2027-02-30 »\u00a0: attendu AAAA-MM-JJ.');
  assert.match(errors[2]!, /^Refusé\u00a0: le 2027-03-23 est dans le futur/);
});

test('lifecycle run --date runs as on that day at LIFECYCLE_RUN_AT and prints what it did', { timeout: 60_000 }, async (t) => {
  const h = await startLifecycleHarness(t);
  const trial = await h.createTrial('2027-03-30T12:23:00Z');
  const lines: string[] = [];
  const command = prepareLifecycleCommand(['lifecycle', 'run', '--date', '2027-03-23', '--force'], loadConfig({}), h.logs.log, (line) => lines.push(line), () => new Date('2027-03-01T10:00:00Z'));
  assert.equal(typeof command, 'function');
  if (typeof command === 'number') return;
  const database = openDatabase(h.databaseUrl, { max: 2 });
  t.after(() => database.close());
  assert.equal(await command(h.databaseUrl, database), 0);
  assert.deepEqual(lines, [
    'Cycle de vie des essais au 23/03/2027 07:00:00 (heure de Paris)\u00a0:',
    '  rappels 1, essais expirés 0, suspensions demandées 0, avis de suppression 0, suppressions demandées 0, en attente 0, clients effacés (fin de conservation) 0, messages de contact supprimés 0, e-mails de la boîte SMTP embarquée supprimés 0, échecs 0',
    '  prochaine échéance\u00a0: 30/03/2027 14:23:00',
  ]);
  assert.deepEqual((await h.emails(trial.clientId)).map((e) => e.dedupe_key), [`trial-reminder:7:subscription:${trial.subscriptionId}:2027-03-30T12:23:00.000Z`]);
});
