// Master key rotation (`erpbtp keys rotate` / `keys status`): no secret is lost when a rotation is interrupted,
// the next run resumes it instead of adding another key, and a platform started before the rotation keeps
// reading and writing secrets throughout.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import pino from 'pino';
import { type Database, openDatabase } from '../../../src/db/database.ts';
import { clients, credentials, deployments, stacks } from '../../../src/db/schema.ts';
import { insertCredentialsIfMissing } from '../../../src/provisioning/credentials.repository.ts';
import { credentialAad } from '../../../src/provisioning/stack-variables.ts';
import { newBearerToken } from '../../../src/vault/bearer-token.ts';
import { type Cipher, createCipher, generateStackSecrets, type KeyRing, loadKeyRing, parseMasterKey } from '../../../src/vault/index.ts';
import { keyFilePath } from '../../../src/vault/key-file.ts';
import { countSecretsByKey, describeKeyUsage } from '../../../src/vault/key-usage.ts';
import { type RotationStart, rotateKeys } from '../../../src/vault/rotation.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { startTestPlatform } from '../../helpers/platform.ts';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/erpbtp.js');
const log = pino({ level: 'silent' });

interface Setup {
  database: Database;
  databaseUrl: string;
  databaseName: string;
  dataDir: string;
  keyFile: string;
}

async function setUp(t: TestContext): Promise<Setup> {
  const testDatabase = await createTestDatabase();
  const database = openDatabase(testDatabase.url, { max: 6 });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'erpbtp-keys-'));
  t.after(async () => {
    await database.close();
    await testDatabase.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { database, databaseUrl: testDatabase.url, databaseName: testDatabase.name, dataDir, keyFile: keyFilePath(dataDir) };
}

/** The key ring and cipher exactly as `startPlatform` builds them in embedded mode. */
function platformCipher(keyFile: string): { keyRing: KeyRing; cipher: Cipher } {
  const { keyRing } = loadKeyRing({ keyFile, log });
  return { keyRing, cipher: createCipher(keyRing) };
}

/** Stacks with their four credentials, stored as the `secrets` saga step stores them; returns `aad → plaintext`. */
async function seedStacks({ db }: Database, cipher: Cipher, count: number): Promise<Map<string, string>> {
  const tag = randomBytes(4).toString('hex');
  const [client] = await db.insert(clients).values({
    entreprise: 'Rotation BTP', nom: 'Martin', prenom: 'Jean', email: `rotation-${tag}@example.fr`, telephone: '+33612345678', effectif: '1-5',
  }).returning({ id: clients.id });
  const rows = await db.insert(stacks).values(Array.from({ length: count }, (_, i) => ({
    clientId: client!.id, name: `rotation-${tag}-${i}`, orchestrator: 'local', desiredState: 'running' as const, observedState: 'running' as const,
  }))).returning({ id: stacks.id });
  const expected = new Map<string, string>();
  for (const { id } of rows) {
    const generated = generateStackSecrets();
    const values = {
      database_password: generated.databasePassword, secret_key: generated.secretKey,
      initial_password: generated.initialPassword, tenant_token: randomBytes(32).toString('base64url'),
    } as const;
    await insertCredentialsIfMissing(db, id, Object.entries(values).map(([kind, value]) => {
      const aad = credentialAad(id, kind);
      expected.set(aad, value);
      const ciphertext = cipher.encrypt(value, aad);
      return { kind: kind as keyof typeof values, ciphertext, keyId: cipher.keyIdOf(ciphertext) };
    }));
  }
  return expected;
}

/** Every stored secret decrypts with `cipher` to its original value, with its own associated data. */
async function assertAllReadable({ db }: Database, cipher: Cipher, expected: Map<string, string>, onKey?: string): Promise<void> {
  const rows = await db.select().from(credentials);
  assert.equal(rows.length, expected.size, 'no secret was lost or added');
  for (const row of rows) {
    const aad = credentialAad(row.stackId, row.kind);
    assert.equal(cipher.decrypt(row.ciphertext, aad), expected.get(aad), aad);
    assert.equal(cipher.keyIdOf(row.ciphertext), row.keyId, 'key_id names the key of the ciphertext');
    if (onKey) assert.equal(row.keyId, onKey, aad);
  }
}

async function counts(database: Database): Promise<Record<string, number>> {
  return Object.fromEntries(await countSecretsByKey(database.db));
}

function keyFileIds(keyFile: string): { current: string; ids: string[] } {
  const content = JSON.parse(readFileSync(keyFile, 'utf8')) as { current: string; keys: Record<string, string> };
  return { current: content.current, ids: Object.keys(content.keys) };
}

function startCli(args: string[], env: Record<string, string>): { child: ChildProcess; done: Promise<{ code: number | null; out: string }> } {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: os.tmpdir(), // no stray .env
    env: { ...process.env, MASTER_KEY: '', LOG_LEVEL: 'warn', ...env },
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const done = new Promise<{ code: number | null; out: string }>((resolve) => child.on('close', (code) => resolve({ code, out })));
  return { child, done };
}

function erpbtp(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return startCli(args, env).done;
}

async function until(what: string, check: () => Promise<unknown>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let seen = await check(); seen !== true; seen = await check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}, last seen: ${JSON.stringify(seen)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Locks one credential row, as a concurrent transaction would, until `release` is called (also after the test). */
async function lockCredential(t: TestContext, databaseUrl: string, offset: number): Promise<{ release(): Promise<void> }> {
  // A connection of its own: closing the test's pool must not wait for it.
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('begin');
  // Rows skipped by OFFSET would be locked too: lock the one row by its id.
  await client.query('select id from credentials where id = (select id from credentials order by id offset $1 limit 1) for update', [offset]);
  let released: Promise<void> | undefined;
  const release = () => (released ??= client.query('rollback').then(() => client.end()));
  t.after(release);
  return { release };
}

test('an interrupted rotation loses no secret, and the next run resumes it without adding a key', async (t) => {
  const { database, keyFile } = await setUp(t);
  const platform = platformCipher(keyFile);
  const expected = await seedStacks(database, platform.cipher, 30); // 120 secrets

  let batches = 0;
  await assert.rejects(rotateKeys(database, platformCipher(keyFile).keyRing, {
    keyFile, confirmed: false, batchSize: 50,
    onBatch: () => {
      if (++batches === 1) throw new Error('interrupted after the first batch');
    },
  }), /interrupted after the first batch/);
  assert.deepEqual(await counts(database), { k1: 70, k2: 50 }, 'the first batch was committed, the rest untouched');
  assert.deepEqual(keyFileIds(keyFile), { current: 'k2', ids: ['k1', 'k2'] });
  await assertAllReadable(database, platform.cipher, expected);

  const starts: RotationStart[] = [];
  const resumed = await rotateKeys(database, platformCipher(keyFile).keyRing, {
    keyFile, confirmed: false, batchSize: 50, onStart: (start) => starts.push(start),
  });
  assert.deepEqual(resumed, { outcome: 'finished', keyId: 'k2', reencrypted: 70 });
  assert.deepEqual(starts, [{ keyId: 'k2', added: false, secrets: 70 }]);
  assert.deepEqual(keyFileIds(keyFile), { current: 'k2', ids: ['k1', 'k2'] }, 'no key added by the resumed run');
  await assertAllReadable(database, platformCipher(keyFile).cipher, expected, 'k2');
  await assertAllReadable(database, platform.cipher, expected, 'k2');
  assert.deepEqual(describeKeyUsage(platform.keyRing.latest(), await countSecretsByKey(database.db)).keys, [
    { keyId: 'k2', secrets: 120, state: 'current' },
    { keyId: 'k1', secrets: 0, state: 'retirable' },
  ]);

  const next = await rotateKeys(database, platformCipher(keyFile).keyRing, { keyFile, confirmed: false });
  assert.deepEqual(next, { outcome: 'rotated', keyId: 'k3', reencrypted: 120 }, 'a finished rotation lets the next run add a key');
  await assertAllReadable(database, platform.cipher, expected, 'k3');
});

test('`keys rotate` killed in the middle of a batch resumes where it stopped; the running platform reads and writes throughout', { timeout: 120_000 }, async (t) => {
  const { database, databaseUrl, databaseName, dataDir, keyFile } = await setUp(t);
  const env = { DATABASE_URL: databaseUrl, DATA_DIR: dataDir };
  const platform = platformCipher(keyFile);
  const expected = await seedStacks(database, platform.cipher, 60); // 240 secrets: a batch of 200, then 40

  // Holding the lock of the 220th row stops the second batch there, after the first one committed.
  const blocker = await lockCredential(t, databaseUrl, 219);
  const rotation = startCli(['keys', 'rotate'], env);
  t.after(() => rotation.child.kill('SIGKILL'));
  await until('the first batch and the blocked second one', async () => {
    const { rows } = await database.pool.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where datname = $1 and wait_event_type = 'Lock'`, [databaseName]);
    const byKey = await counts(database);
    return byKey.k2 === 200 && rows[0]!.n > 0 ? true : { ...byKey, waiting: rows[0]!.n };
  });

  // Mid-rotation, the platform (started before the new key existed) reads both keys and writes with the new one.
  await assertAllReadable(database, platform.cipher, expected);
  for (const [aad, value] of await seedStacks(database, platform.cipher, 1)) expected.set(aad, value);
  assert.deepEqual(await counts(database), { k1: 40, k2: 204 });

  rotation.child.kill('SIGKILL');
  const killed = await rotation.done;
  assert.equal(killed.code, null, 'the rotation was killed');
  await blocker.release();
  assert.deepEqual(await counts(database), { k1: 40, k2: 204 }, 'the killed batch was rolled back, the first one kept');

  const status = await erpbtp(['keys', 'status'], env);
  assert.equal(status.code, 0, status.out);
  assert.match(status.out, /Rotation inachevée\u00a0: 40\u00a0secrets à rechiffrer avec la clé courante k2\./);

  const resumed = await erpbtp(['keys', 'rotate'], env);
  assert.equal(resumed.code, 0, resumed.out);
  assert.match(resumed.out, /Rotation inachevée, reprise sans ajouter de clé\u00a0: 40\u00a0secrets à rechiffrer avec la clé courante k2\./);
  assert.match(resumed.out, /Rotation terminée\u00a0: tous les secrets sont chiffrés avec la clé k2 \(secrets rechiffrés\u00a0: 40\)\./);
  assert.deepEqual(keyFileIds(keyFile), { current: 'k2', ids: ['k1', 'k2'] }, 'the interrupted rotation added one key in all');
  await assertAllReadable(database, platformCipher(keyFile).cipher, expected, 'k2');
  await assertAllReadable(database, platform.cipher, expected, 'k2');

  const after = await erpbtp(['keys', 'status'], env);
  assert.equal(after.code, 0, after.out);
  assert.match(after.out, /^ {2}k2 {2}244\u00a0secrets {2}clé courante$/m);
  assert.match(after.out, /^ {2}k1 {2}0\u00a0secret {5}ancienne clé, plus utilisée\u00a0: peut être retirée$/m);
  assert.match(after.out, /Aucune rotation en cours/);
  assert.match(after.out, /peut être retirée de «\u00a0keys\u00a0» dans /);
});

test('a running platform shows a secret that `keys rotate` re-encrypted under a key it did not know at start', { timeout: 120_000 }, async (t) => {
  const platform = await startTestPlatform(t);
  const database = openDatabase(platform.database.url, { max: 2 });
  t.after(() => database.close());
  const keyFile = keyFilePath(platform.dataDir);
  await seedStacks(database, platformCipher(keyFile).cipher, 1);
  const [stack] = await database.db.select({ id: stacks.id }).from(stacks);
  const tracking = newBearerToken();
  await database.db.insert(deployments).values({ stackId: stack!.id, kind: 'create', state: 'succeeded', trackingTokenHash: tracking.hash });
  const [password] = await database.db.select({ ciphertext: credentials.ciphertext }).from(credentials).where(eq(credentials.kind, 'initial_password'));
  const initialPassword = platformCipher(keyFile).cipher.decrypt(password!.ciphertext, credentialAad(stack!.id, 'initial_password'));

  const rotated = await erpbtp(['keys', 'rotate'], { DATABASE_URL: platform.database.url, DATA_DIR: platform.dataDir });
  assert.equal(rotated.code, 0, rotated.out);
  assert.match(rotated.out, /Nouvelle clé k2 ajoutée au fichier .*master-key\.json\u00a0: c’est désormais la clé courante\./);
  assert.match(rotated.out, /inutile de la redémarrer/);
  assert.deepEqual(await counts(database), { k2: 4 });

  const page = await platform.app.inject({ method: 'GET', url: `/deploiement/${tracking.token}` });
  assert.equal(page.statusCode, 200);
  assert.ok(page.body.includes(initialPassword), 'the platform decrypted the re-encrypted password');
});

test('with MASTER_KEY, the operator supplies the new key first in the list and `keys rotate --confirm` moves every secret to it', { timeout: 120_000 }, async (t) => {
  const { database, databaseUrl, dataDir, keyFile } = await setUp(t);
  const [oldKey, newKey] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
  const before = createCipher(parseMasterKey(oldKey)); // a single key is k1
  const expected = await seedStacks(database, before, 5);
  const cli = (args: string[], masterKey: string) => erpbtp(args, { DATABASE_URL: databaseUrl, DATA_DIR: dataDir, MASTER_KEY: masterKey });

  const howTo = await cli(['keys', 'rotate'], oldKey);
  assert.equal(howTo.code, 0, howTo.out);
  assert.match(howTo.out, /c’est vous qui fournissez la nouvelle clé/);
  assert.match(howTo.out, /openssl rand -base64 32/);
  assert.match(howTo.out, /MASTER_KEY="k1:…,k2:<nouvelle clé>"/);
  assert.match(howTo.out, /MASTER_KEY="k2:<nouvelle clé>,k1:…"/);
  assert.match(howTo.out, /erpbtp keys rotate --confirm/);
  assert.ok(!existsSync(keyFile), 'no key file is created with MASTER_KEY');
  assert.deepEqual(await counts(database), { k1: 20 });

  // Step 2: every process knows k2 but still writes with k1. Step 3: every process writes with k2.
  const knowing = createCipher(parseMasterKey(`k1:${oldKey},k2:${newKey}`));
  const after = createCipher(parseMasterKey(`k2:${newKey},k1:${oldKey}`));
  for (const [aad, value] of await seedStacks(database, after, 1)) expected.set(aad, value);
  assert.deepEqual(await counts(database), { k1: 20, k2: 4 });

  const unconfirmed = await cli(['keys', 'rotate'], `k2:${newKey},k1:${oldKey}`);
  assert.equal(unconfirmed.code, 1, unconfirmed.out);
  assert.match(unconfirmed.out, /autre clé que la clé courante k2 de MASTER_KEY\u00a0: 20\./);
  assert.match(unconfirmed.out, /chaque processus de la plateforme \(web, worker\) doit tourner avec ce même MASTER_KEY/);
  assert.deepEqual(await counts(database), { k1: 20, k2: 4 }, 'nothing re-encrypted without --confirm');

  const confirmed = await cli(['keys', 'rotate', '--confirm'], `k2:${newKey},k1:${oldKey}`);
  assert.equal(confirmed.code, 0, confirmed.out);
  assert.match(confirmed.out, /Rotation terminée\u00a0: tous les secrets sont chiffrés avec la clé k2 \(secrets rechiffrés\u00a0: 20\)\./);
  await assertAllReadable(database, after, expected, 'k2');
  await assertAllReadable(database, knowing, expected, 'k2');
  await assert.rejects(async () => assertAllReadable(database, before, expected), { name: 'VaultError', code: 'unknown_key' },
    'a process never restarted with the new list could not read them: hence the restarts first');

  const status = await cli(['keys', 'status'], `k2:${newKey},k1:${oldKey}`);
  assert.equal(status.code, 0, status.out);
  assert.match(status.out, /Clés maîtresses \(variable MASTER_KEY\)\u00a0:/);
  assert.match(status.out, /^ {2}k1 {2}0\u00a0secret {4}ancienne clé, plus utilisée\u00a0: peut être retirée$/m);
  assert.match(status.out, /peut être retirée de MASTER_KEY/);
});

test('one rotation at a time, and none while some secrets use a key the ring lacks', async (t) => {
  const { database, databaseUrl, keyFile } = await setUp(t);
  const platform = platformCipher(keyFile);
  const expected = await seedStacks(database, platform.cipher, 2);

  const blocker = await lockCredential(t, databaseUrl, 0);
  const first = rotateKeys(database, platformCipher(keyFile).keyRing, { keyFile, confirmed: false });
  await until('the first rotation to hold its lock', async () => keyFileIds(keyFile).current === 'k2');
  assert.deepEqual(await rotateKeys(database, platformCipher(keyFile).keyRing, { keyFile, confirmed: false }), { outcome: 'busy' });
  await blocker.release();
  assert.deepEqual(await first, { outcome: 'rotated', keyId: 'k2', reencrypted: 8 });
  assert.deepEqual(keyFileIds(keyFile).ids, ['k1', 'k2'], 'the busy run added no key');
  await assertAllReadable(database, platform.cipher, expected, 'k2');

  const foreign = createCipher(parseMasterKey(`k9:${randomBytes(32).toString('base64')}`));
  await seedStacks(database, foreign, 1);
  const refused = await rotateKeys(database, platformCipher(keyFile).keyRing, { keyFile, confirmed: false });
  assert.equal(refused.outcome, 'missing-keys');
  assert.deepEqual(keyFileIds(keyFile).ids, ['k1', 'k2'], 'no key added while secrets are unreadable');
  assert.deepEqual(await counts(database), { k2: 8, k9: 4 });
});
