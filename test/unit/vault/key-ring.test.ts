import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { addKey, createCipher, loadKeyRing, parseMasterKey, type KeyRing } from '../../../src/vault/index.ts';

const AAD = 'stack:7:secretKey';
const POSIX = process.platform !== 'win32';

function fakeLog() {
  const entries: { level: 'info' | 'warn'; obj: object; msg: string }[] = [];
  return {
    entries,
    info: (obj: object, msg: string) => void entries.push({ level: 'info', obj, msg }),
    warn: (obj: object, msg: string) => void entries.push({ level: 'warn', obj, msg }),
  };
}

function b64(bytes = 32): string {
  return randomBytes(bytes).toString('base64');
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

function readJson(path: string): { current: string; keys: Record<string, string> } {
  return JSON.parse(readFileSync(path, 'utf8'));
}

// Same keys ⇔ each ring decrypts what the other encrypted.
function assertSameKey(a: KeyRing, b: KeyRing): void {
  assert.equal(createCipher(b).decrypt(createCipher(a).encrypt('s3cret', AAD), AAD), 's3cret');
}

describe('parseMasterKey', () => {
  it('reads one base64 key as k1, the current key', () => {
    const ring = parseMasterKey(`  ${b64()}\n`);
    assert.equal(ring.currentId, 'k1');
    assert.deepEqual(ring.ids, ['k1']);
    assert.deepEqual(parseMasterKey(randomBytes(32).toString('base64url')).ids, ['k1']);
  });

  it('reads a list of id:base64 entries, the first one being current', () => {
    const [a, b] = [b64(), b64()];
    const ring = parseMasterKey(`k2:${b}, k1:${a}`);
    assert.equal(ring.currentId, 'k2');
    assert.deepEqual(ring.ids, ['k2', 'k1']);
    assertSameKey(parseMasterKey(`k1:${a}`), parseMasterKey(a));
  });

  it('explains a bad value with the expected format, without quoting it', () => {
    const short = b64(16);
    const cases: [string, RegExp][] = [
      [short, /the key decodes to 16 bytes, expected 32/],
      ['', /it is empty/],
      ['not base64 !!', /not valid base64/],
      [`k1:${b64()},k2:${short}`, /entry 2 decodes to 16 bytes, expected 32/],
      [`k1:${b64()},${b64()}`, /entry 2 is not "id:base64"/],
      [`k.1:${b64()}`, /entry 1 has an invalid key id/],
      [`k1:${b64()},k1:${b64()}`, /key id "k1" appears twice/],
      [`k1:${b64()},`, /entry 2 is not "id:base64"/],
    ];
    for (const [value, problem] of cases) {
      assert.throws(() => parseMasterKey(value), (error: Error) => {
        assert.match(error.message, /^Invalid MASTER_KEY: /);
        assert.match(error.message, problem);
        assert.match(error.message, /base64-encoded 32-byte key.*"id:base64,id:base64"/);
        if (value.length > 4) assert.ok(!error.message.includes(value.slice(4, 20)), 'must not quote the value');
        return true;
      });
    }
  });

  it('never shows key material when inspected, logged or serialised', () => {
    const key = randomBytes(32);
    const ring = parseMasterKey(key.toString('base64'));
    const shown = inspect(ring, { depth: 10, showHidden: true }) + JSON.stringify(ring);
    for (const form of [key.toString('base64'), key.toString('hex')]) assert.ok(!shown.includes(form));
  });
});

describe('loadKeyRing', () => {
  let dir = '';
  let keyFile = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vault-'));
    keyFile = join(dir, 'data', 'master-key.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers MASTER_KEY and then touches no file', () => {
    const log = fakeLog();
    const key = b64();
    const { keyRing, created } = loadKeyRing({ masterKey: key, keyFile, log });
    assert.equal(created, false);
    assert.ok(!existsSync(keyFile));
    assertSameKey(keyRing, parseMasterKey(key));
    assert.ok(!JSON.stringify(log.entries).includes(key));
  });

  it('fails clearly with neither MASTER_KEY nor a key file', () => {
    assert.throws(() => loadKeyRing({ log: fakeLog() }), /No master key: set MASTER_KEY/);
  });

  it('creates a missing key file, owner-only, and logs its path but never the key', () => {
    const log = fakeLog();
    const { keyRing, created } = loadKeyRing({ keyFile, log });
    assert.equal(created, true);
    if (POSIX) assert.equal(mode(keyFile), 0o600);
    const content = readJson(keyFile);
    assert.equal(content.current, 'k1');
    assert.deepEqual(Object.keys(content.keys), ['k1']);
    assert.equal(Buffer.from(content.keys.k1 ?? '', 'base64').length, 32);
    assert.equal(keyRing.currentId, 'k1');
    const entry = log.entries.find((e) => e.msg === 'master key file created');
    assert.equal(entry?.level, 'info');
    assert.equal((entry?.obj as { path?: string } | undefined)?.path, keyFile);
    assert.ok(!JSON.stringify(log.entries).includes(content.keys.k1 ?? '<none>'));
  });

  it('reuses the file on the next load instead of generating a new key', () => {
    const first = loadKeyRing({ keyFile, log: fakeLog() });
    const before = readFileSync(keyFile, 'utf8');
    const second = loadKeyRing({ keyFile, log: fakeLog() });
    assert.equal(second.created, false);
    assert.equal(readFileSync(keyFile, 'utf8'), before);
    assertSameKey(first.keyRing, second.keyRing);
  });

  it('tightens a key file readable by others, and says so', { skip: !POSIX }, () => {
    loadKeyRing({ keyFile, log: fakeLog() });
    chmodSync(keyFile, 0o644);
    const log = fakeLog();
    loadKeyRing({ keyFile, log });
    assert.equal(mode(keyFile), 0o600);
    assert.ok(log.entries.some((e) => e.level === 'warn' && /permissions tightened/.test(e.msg)));
  });

  it('rejects a damaged key file, naming the file but not its content', () => {
    loadKeyRing({ keyFile, log: fakeLog() });
    const key = b64();
    const bad: [string, RegExp][] = [
      [`{"current":"k1","keys":{"k1":"${key}"`, /not valid JSON/],
      [JSON.stringify({ current: 'k2', keys: { k1: key } }), /"current" does not name one of the keys/],
      [JSON.stringify({ current: 'k1', keys: { k1: b64(31) } }), /key "k1" decodes to 31 bytes, expected 32/],
      [JSON.stringify({ current: 'k1', keys: {} }), /"keys" is empty/],
      [JSON.stringify({ current: 'k1', keys: { 'k.1': key } }), /a key id is invalid/],
    ];
    for (const [text, problem] of bad) {
      writeFileSync(keyFile, text);
      assert.throws(() => loadKeyRing({ keyFile, log: fakeLog() }), (error: Error) => {
        assert.ok(error.message.startsWith(`Invalid master key file ${keyFile}: `), error.message);
        assert.match(error.message, problem);
        assert.ok(!error.message.includes(key.slice(0, 16)));
        return true;
      });
    }
  });
});

describe('addKey', () => {
  let dir = '';
  let keyFile = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vault-'));
    keyFile = join(dir, 'master-key.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('adds a new current key and keeps the old one, so old ciphertexts stay readable', () => {
    const { keyRing: before } = loadKeyRing({ keyFile, log: fakeLog() });
    const oldKey = readJson(keyFile).keys.k1;
    const old = createCipher(before).encrypt('s3cret', AAD);

    const { keyId, keyRing: returned } = addKey(keyFile);
    assert.equal(keyId, 'k2');
    assert.equal(returned.currentId, 'k2');
    const content = readJson(keyFile);
    assert.equal(content.current, 'k2');
    assert.equal(content.keys.k1, oldKey);
    assert.notEqual(content.keys.k2, oldKey);
    if (POSIX) assert.equal(mode(keyFile), 0o600);

    const { keyRing: after } = loadKeyRing({ keyFile, log: fakeLog() });
    const cipher = createCipher(after);
    assert.equal(cipher.decrypt(old, AAD), 's3cret');
    const fresh = cipher.encrypt('s3cret', AAD);
    assert.equal(cipher.keyIdOf(fresh), 'k2');
    assert.equal(createCipher(returned).decrypt(fresh, AAD), 's3cret');
  });

  it('numbers keys in sequence and leaves no temporary file behind', () => {
    loadKeyRing({ keyFile, log: fakeLog() });
    addKey(keyFile);
    assert.equal(addKey(keyFile).keyId, 'k3');
    assert.deepEqual(Object.keys(readJson(keyFile).keys), ['k1', 'k2', 'k3']);
    assert.equal(readJson(keyFile).current, 'k3');
    assert.deepEqual(readdirSync(dir), ['master-key.json']);
  });

  it('fails on a missing key file rather than creating a lone new key', () => {
    assert.throws(() => addKey(keyFile), /Cannot read master key file .*ENOENT/);
    assert.ok(!existsSync(keyFile));
  });
});

describe('a key ring loaded from a key file follows the file', () => {
  let dir = '';
  let keyFile = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vault-'));
    keyFile = join(dir, 'master-key.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lets a running process read and write with the key a rotation adds, without a restart', () => {
    const { keyRing } = loadKeyRing({ keyFile, log: fakeLog() });
    const running = createCipher(keyRing);
    const old = running.encrypt('ancien', AAD);

    const { keyRing: rotated } = addKey(keyFile);
    const reencrypted = createCipher(rotated).encrypt('rechiffré', AAD);
    assert.equal(running.decrypt(reencrypted, AAD), 'rechiffré');
    assert.equal(running.decrypt(old, AAD), 'ancien');
    assert.equal(running.keyIdOf(running.encrypt('nouveau', AAD)), 'k2');
    assert.equal(keyRing.latest().currentId, 'k2');
  });

  it('reads the file again only when it was replaced', () => {
    const { keyRing } = loadKeyRing({ keyFile, log: fakeLog() });
    const first = keyRing.latest();
    assert.equal(keyRing.latest(), first);
    addKey(keyFile);
    const second = keyRing.latest();
    assert.notEqual(second, first);
    assert.equal(first.latest(), second, 'every version of the ring follows the same file');
  });

  it('refuses to encrypt, naming the file, once the key file is gone', () => {
    const { keyRing } = loadKeyRing({ keyFile, log: fakeLog() });
    const running = createCipher(keyRing);
    const old = running.encrypt('ancien', AAD);
    rmSync(keyFile);
    assert.throws(() => running.encrypt('nouveau', AAD), /Cannot read master key file .*master-key\.json: ENOENT/);
    assert.equal(running.decrypt(old, AAD), 'ancien', 'what it could read stays readable');
  });

  it('stays fixed when it comes from MASTER_KEY or from a list of keys', () => {
    const keyRing = parseMasterKey(b64());
    assert.equal(keyRing.latest(), keyRing);
  });
});
