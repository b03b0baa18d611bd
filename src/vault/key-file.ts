// The embedded-mode key file: {"current":"k1","keys":{"k1":"<base64>"}}, owner read/write only.
// Writes never modify the file in place: a crash mid-write must not leave a half key file behind,
// because every secret encrypted so far would be lost with it.
import {
  chmodSync, closeSync, existsSync, fchmodSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync,
  statSync, unlinkSync, writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { decodeKey, isValidKeyId, KEY_ID_RULE } from './key-material.ts';

export interface KeyFileContent {
  current: string;
  /** id → base64 key, in file order. */
  keys: Record<string, string>;
}

export interface KeyFileLogger {
  warn(obj: object, msg: string): void;
}

const FILE_MODE = 0o600;
const EXPECTED = '{"current":"k1","keys":{"k1":"<base64 32-byte key>"}}';

/** Where embedded mode keeps the key file: the platform and the `erpbtp keys` commands must agree. */
export function keyFilePath(dataDir: string): string {
  return join(dataDir, 'master-key.json');
}

/** Creates the file unless it exists; false when another process (or an earlier run) created it first. */
export function createKeyFile(path: string, content: KeyFileContent): boolean {
  if (existsSync(path)) return false;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = writeTemp(path, content);
  try {
    // link() fails if the target exists, unlike rename(): two processes starting at once cannot each
    // create a key and overwrite the other's, which would orphan what the loser already encrypted.
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
  syncDirectory(path);
  return true;
}

/** Atomically replaces an existing key file. */
export function replaceKeyFile(path: string, content: KeyFileContent): void {
  const temp = writeTemp(path, content);
  try {
    renameSync(temp, path);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
  syncDirectory(path);
}

/** Reads and validates the file; errors name the path and the expected shape, never the key text. */
export function readKeyFile(path: string): KeyFileContent {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`Cannot read master key file ${path}: ${code}`, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // The SyntaxError message quotes the file's text, which holds the keys: do not pass it on.
    throw invalid(path, 'it is not valid JSON');
  }
  return validate(path, data);
}

/** The key file must be readable by its owner only; a looser mode is fixed and reported. */
export function tightenKeyFileMode(path: string, log: KeyFileLogger): void {
  if (process.platform === 'win32') return; // POSIX modes do not apply; NTFS ACLs are the operator's job
  const stat = statSync(path);
  if (!stat.isFile()) throw new Error(`Master key file ${path} is not a regular file`);
  const mode = stat.mode & 0o777;
  if ((mode & 0o077) === 0) return;
  chmodSync(path, FILE_MODE);
  log.warn({ path, mode: `0${mode.toString(8)}` }, 'master key file permissions tightened to 0600');
}

function validate(path: string, data: unknown): KeyFileContent {
  if (typeof data !== 'object' || data === null) throw invalid(path, 'it is not a JSON object');
  const { current, keys } = data as { current?: unknown; keys?: unknown };
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) throw invalid(path, '"keys" is not an object');
  const checked: [string, string][] = [];
  for (const [id, value] of Object.entries(keys)) {
    if (!isValidKeyId(id)) throw invalid(path, `a key id is invalid (${KEY_ID_RULE})`);
    if (typeof value !== 'string') throw invalid(path, `key "${id}" is not a string`);
    const decoded = decodeKey(value);
    if ('problem' in decoded) throw invalid(path, `key "${id}" ${decoded.problem}`);
    decoded.key.fill(0);
    checked.push([id, value]);
  }
  if (checked.length === 0) throw invalid(path, '"keys" is empty');
  if (typeof current !== 'string' || !checked.some(([id]) => id === current)) {
    throw invalid(path, '"current" does not name one of the keys');
  }
  return { current, keys: Object.fromEntries(checked) };
}

function invalid(path: string, problem: string): Error {
  return new Error(`Invalid master key file ${path}: ${problem}. Expected ${EXPECTED}`);
}

function writeTemp(path: string, content: KeyFileContent): string {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', FILE_MODE);
  try {
    // openSync's mode is filtered by the umask; set it explicitly so the result does not depend on it.
    fchmodSync(fd, FILE_MODE);
    writeSync(fd, `${JSON.stringify(content, null, 2)}\n`);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  return temp;
}

// Makes the new directory entry durable; best effort, as some platforms cannot open a directory.
function syncDirectory(path: string): void {
  try {
    const fd = openSync(dirname(path), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // ignored: the data itself was already fsynced
  }
}
