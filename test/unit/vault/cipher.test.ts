import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { createCipher, KeyRing, VaultError, type VaultErrorCode } from '../../../src/vault/index.ts';

const AAD = 'stack:42:databasePassword';
const SECRET = 'Mot de passe été 🚧';
const KEY_1 = randomBytes(32);
const KEY_2 = randomBytes(32);

function ring(current: string, keys: Record<string, Buffer>): KeyRing {
  return new KeyRing(current, Object.entries(keys));
}

function assertVaultError(fn: () => unknown, code: VaultErrorCode): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof VaultError, `expected a VaultError, got ${String(error)}`);
    assert.equal(error.code, code);
    for (const secret of [SECRET, KEY_1.toString('base64'), KEY_1.toString('hex'), KEY_2.toString('base64')]) {
      assert.ok(!error.message.includes(secret), 'the message must not reveal a plaintext or a key');
    }
    return true;
  });
}

// Replaces the character at `index` of field `field` with another base64url character.
function tamper(ciphertext: string, field: number, index = 0): string {
  const parts = ciphertext.split('.');
  const text = parts[field] ?? '';
  const swapped = text[index] === 'A' ? 'B' : 'A';
  parts[field] = text.slice(0, index) + swapped + text.slice(index + 1);
  return parts.join('.');
}

describe('createCipher', () => {
  const cipher = createCipher(ring('k1', { k1: KEY_1 }));

  it('decrypts what it encrypted, including empty and non-ASCII text', () => {
    for (const plaintext of [SECRET, '', 'x'.repeat(10_000)]) {
      assert.equal(cipher.decrypt(cipher.encrypt(plaintext, AAD), AAD), plaintext);
    }
  });

  it('writes a compact ASCII string naming the version and the key, without the plaintext', () => {
    const ciphertext = cipher.encrypt(SECRET, AAD);
    assert.match(ciphertext, /^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    assert.ok(!ciphertext.includes('passe'));
    assert.equal(cipher.keyIdOf(ciphertext), 'k1');
  });

  it('uses a fresh IV each time', () => {
    const ivs = new Set(Array.from({ length: 1000 }, () => cipher.encrypt(SECRET, AAD).split('.')[2]));
    assert.equal(ivs.size, 1000);
  });

  it('follows the documented scheme: AES-256-GCM, HKDF-SHA256 data key, header + AAD authenticated', () => {
    const ciphertext = cipher.encrypt(SECRET, AAD);
    const [, , iv = '', data = '', tag = ''] = ciphertext.split('.');
    const dataKey = Buffer.from(hkdfSync('sha256', KEY_1, Buffer.alloc(0), 'erpbtp-vault-v1', 32));
    const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`v1.k1.${AAD}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plaintext = Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]);
    assert.equal(plaintext.toString('utf8'), SECRET);
  });

  it('still reads a ciphertext written by an earlier build (stored data must stay readable)', () => {
    const fixed = createCipher(ring('k1', { k1: Buffer.alloc(32, 7) }));
    const stored = 'v1.k1.u4vFpqnbM8dYNwmn.IjSvk-M9sGGqkVLAytUO5tjF0rrQ8CE.zzAGItfH_B4o9ExSR7V1qQ';
    assert.equal(fixed.decrypt(stored, AAD), SECRET);
  });

  it('refuses another owner or field (associated data mismatch)', () => {
    const ciphertext = cipher.encrypt(SECRET, AAD);
    assertVaultError(() => cipher.decrypt(ciphertext, 'stack:43:databasePassword'), 'authentication_failed');
    assertVaultError(() => cipher.decrypt(ciphertext, 'stack:42:secretKey'), 'authentication_failed');
  });

  it('requires associated data', () => {
    assertVaultError(() => cipher.encrypt(SECRET, ''), 'invalid_argument');
    assertVaultError(() => cipher.decrypt(cipher.encrypt(SECRET, AAD), ''), 'invalid_argument');
  });

  it('detects tampering with the IV, the data or the tag', () => {
    const ciphertext = cipher.encrypt(SECRET, AAD);
    for (const field of [2, 3, 4]) {
      assertVaultError(() => cipher.decrypt(tamper(ciphertext, field), AAD), 'authentication_failed');
    }
    assertVaultError(() => cipher.decrypt(ciphertext.slice(0, -1), AAD), 'malformed'); // truncated tag
  });

  it('rejects a non-canonical encoding even when it decodes to the same bytes', () => {
    const ciphertext = cipher.encrypt('', AAD); // empty data field; tag is 22 chars with 4 spare bits
    const parts = ciphertext.split('.');
    const tag = parts[4] ?? '';
    const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    parts[4] = tag.slice(0, -1) + digits[digits.indexOf(tag.at(-1) ?? '') ^ 1]; // flips an unused bit
    assertVaultError(() => cipher.decrypt(parts.join('.'), AAD), 'malformed');
  });

  it('rejects strings that are not vault ciphertexts', () => {
    for (const bad of ['', SECRET, 'v1.k1.a.b', 'v1.k1.a.b.c.d', 'v1..AAAAAAAAAAAAAAAA..AAAAAAAAAAAAAAAAAAAAAA']) {
      assertVaultError(() => cipher.decrypt(bad, AAD), 'malformed');
      assertVaultError(() => cipher.keyIdOf(bad), 'malformed');
    }
    assertVaultError(() => cipher.decrypt(`${cipher.encrypt(SECRET, AAD)}.AAAA`, AAD), 'malformed');
    assertVaultError(() => cipher.decrypt(cipher.encrypt(SECRET, AAD).replace(/^v1/, 'v2'), AAD), 'unsupported_version');
  });

  it('fails on an unknown key id', () => {
    const other = createCipher(ring('k2', { k2: KEY_2 }));
    const ciphertext = cipher.encrypt(SECRET, AAD);
    assert.equal(other.keyIdOf(ciphertext), 'k1');
    assertVaultError(() => other.decrypt(ciphertext, AAD), 'unknown_key');
  });

  it('fails when the key id names another key of the ring, or the same id holds another key', () => {
    const both = createCipher(ring('k1', { k1: KEY_1, k2: KEY_2 }));
    const relabelled = both.encrypt(SECRET, AAD).replace(/^v1\.k1\./, 'v1.k2.');
    assertVaultError(() => both.decrypt(relabelled, AAD), 'authentication_failed');
    const impostor = createCipher(ring('k1', { k1: KEY_2 }));
    assertVaultError(() => impostor.decrypt(cipher.encrypt(SECRET, AAD), AAD), 'authentication_failed');
  });

  it('encrypts with the current key and still decrypts with the older ones', () => {
    const old = cipher.encrypt(SECRET, AAD);
    const rotated = createCipher(ring('k2', { k1: KEY_1, k2: KEY_2 }));
    const fresh = rotated.encrypt(SECRET, AAD);
    assert.equal(rotated.keyIdOf(fresh), 'k2');
    assert.equal(rotated.decrypt(old, AAD), SECRET);
    assert.equal(rotated.decrypt(fresh, AAD), SECRET);
  });
});
