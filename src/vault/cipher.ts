// Encryption of secrets at rest: AES-256-GCM from node:crypto, one data key per master key.
// Ciphertext: "v1.<keyId>.<iv>.<ciphertext>.<tag>", fields in base64url, ASCII only, so it fits a TEXT column,
// a log line or a URL without escaping, and names the key that can open it.
import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import type { KeyRing } from './key-ring.ts';
import { isValidKeyId } from './key-material.ts';
import { VaultError } from './vault-error.ts';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12; // the GCM standard size; random IVs are safe for far more messages than we will ever write
const TAG_BYTES = 16;
// The master key is already uniformly random, so HKDF needs no salt (RFC 5869 §3.1); the info string
// separates this use from any other key later derived from the same master key.
const HKDF_INFO = 'erpbtp-vault-v1';
const HKDF_SALT = Buffer.alloc(0);
const BASE64URL = /^[A-Za-z0-9_-]*$/;

export interface Cipher {
  /** `associatedData` names the owner and field, e.g. `stack:42:databasePassword`; decrypt needs the same. */
  encrypt(plaintext: string, associatedData: string): string;
  decrypt(ciphertext: string, associatedData: string): string;
  /** The key id a ciphertext was written with, e.g. to find what to re-encrypt after a rotation. */
  keyIdOf(ciphertext: string): string;
}

interface Parsed {
  keyId: string;
  iv: Buffer;
  data: Buffer;
  tag: Buffer;
}

export function createCipher(keyRing: KeyRing): Cipher {
  let ring = keyRing;
  let dataKeys = deriveDataKeys(ring);
  // A rotation may have added a key since this cipher was made: encrypt with it, and read what was written with it.
  const refresh = (): void => {
    const latest = ring.latest();
    if (latest === ring) return;
    ring = latest;
    dataKeys = deriveDataKeys(ring);
  };

  return {
    encrypt(plaintext, associatedData) {
      requireAssociatedData(associatedData);
      refresh();
      const keyId = ring.currentId;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, dataKey(dataKeys, keyId), iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(authenticatedData(keyId, associatedData));
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const fields = [iv, data, cipher.getAuthTag()].map((b) => b.toString('base64url'));
      return [VERSION, keyId, ...fields].join('.');
    },

    decrypt(ciphertext, associatedData) {
      requireAssociatedData(associatedData);
      const { keyId, iv, data, tag } = parse(ciphertext);
      if (!dataKeys.has(keyId)) refresh();
      const decipher = createDecipheriv(ALGORITHM, dataKey(dataKeys, keyId), iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(authenticatedData(keyId, associatedData));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
      } catch {
        throw new VaultError(
          'authentication_failed',
          `Cannot decrypt the secret for "${associatedData}" with key "${keyId}": ` +
            'the ciphertext was altered, or it belongs to another owner or field',
        );
      }
    },

    keyIdOf(ciphertext) {
      return parse(ciphertext).keyId;
    },
  };
}

function deriveDataKeys(keyRing: KeyRing): Map<string, KeyObject> {
  const dataKeys = new Map<string, KeyObject>();
  for (const id of keyRing.ids) {
    const master = keyRing.get(id);
    if (master) dataKeys.set(id, deriveDataKey(master));
  }
  return dataKeys;
}

function deriveDataKey(master: KeyObject): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync('sha256', master, HKDF_SALT, HKDF_INFO, 32)));
}

function dataKey(dataKeys: Map<string, KeyObject>, keyId: string): KeyObject {
  const key = dataKeys.get(keyId);
  if (!key) {
    const hint = 'was it removed, or was another master key loaded (MASTER_KEY or key file)?';
    throw new VaultError('unknown_key', `No master key "${keyId}" in the key ring: ${hint}`);
  }
  return key;
}

// The header is authenticated too. Key ids contain no ".", so "v1.<keyId>." is an unambiguous prefix.
function authenticatedData(keyId: string, associatedData: string): Buffer {
  return Buffer.from(`${VERSION}.${keyId}.${associatedData}`, 'utf8');
}

function requireAssociatedData(associatedData: string): void {
  // Without it a ciphertext could be copied to another stack or field and still decrypt.
  if (typeof associatedData !== 'string' || associatedData === '') {
    throw new VaultError('invalid_argument', 'Associated data is required, e.g. "stack:42:databasePassword"');
  }
}

function parse(ciphertext: string): Parsed {
  const parts = typeof ciphertext === 'string' ? ciphertext.split('.') : [];
  if (parts.length !== 5) throw new VaultError('malformed', 'Not a vault ciphertext (expected 5 dot-separated fields)');
  // Nothing from the input is quoted here: a plaintext passed by mistake must not end up in a log.
  const [version, keyId = '', ivText, dataText, tagText] = parts;
  if (version !== VERSION) {
    throw new VaultError('unsupported_version', `Unsupported vault ciphertext version (this build reads ${VERSION})`);
  }
  const iv = field(ivText);
  const data = field(dataText);
  const tag = field(tagText);
  if (!isValidKeyId(keyId) || iv?.length !== IV_BYTES || tag?.length !== TAG_BYTES || data === undefined) {
    throw new VaultError('malformed', 'Not a vault ciphertext (bad key id, IV, data or tag field)');
  }
  return { keyId, iv, data, tag };
}

// Strict base64url: a non-canonical encoding decodes to the same bytes, so it is rejected as tampering too.
function field(text: string | undefined): Buffer | undefined {
  if (text === undefined || !BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}
