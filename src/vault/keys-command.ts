// `erpbtp keys status` and `erpbtp keys rotate [--confirm]`: the operator's side of master key rotation
// (docs/decisions/0009-key-rotation.md). Messages come from the French catalogue.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { format, t } from '../i18n/index.ts';
import { keyFilePath } from './key-file.ts';
import { nextKeyId } from './key-material.ts';
import { type KeyRing, loadKeyRing } from './key-ring.ts';
import { countSecretsByKey, describeKeyUsage, type KeyUsage } from './key-usage.ts';
import { rotateKeys, type RotationResult, type RotationStart } from './rotation.ts';

/** Runs the command against the platform's database; resolves to the exit code. */
export type KeysCommand = (database: Database) => Promise<number>;

/** Writes one line of the command's report (stdout); errors go to stderr. */
export type Print = (line: string) => void;

interface KeySource {
  keyRing: KeyRing;
  /** Embedded mode's key file; undefined with MASTER_KEY. */
  keyFile: string | undefined;
}

/**
 * Parses `keys …` and loads the key ring before any database is started. When there is nothing to run (usage
 * error, no key), prints why and returns the exit code instead.
 */
export function prepareKeysCommand(argv: string[], config: Config, log: Logger, print: Print): KeysCommand | number {
  const command = parseCommand(argv);
  if (!command) {
    console.error(t('keys.usage'));
    return 2;
  }
  const source = loadKeySource(config, log);
  if (typeof source === 'string') {
    console.error(source);
    return 2;
  }
  return command.sub === 'status'
    ? (database) => printStatus(database, source, print)
    : (database) => rotate(database, source, { confirmed: command.confirm, log, print });
}

function parseCommand(argv: string[]): { sub: 'status' | 'rotate'; confirm: boolean } | undefined {
  try {
    const { positionals, values } = parseArgs({
      args: argv, allowPositionals: true, options: { confirm: { type: 'boolean', default: false } },
    });
    const [, sub, ...extra] = positionals;
    if (extra.length > 0 || (sub !== 'status' && sub !== 'rotate') || (sub === 'status' && values.confirm)) return undefined;
    return { sub, confirm: values.confirm };
  } catch {
    return undefined; // unknown option
  }
}

/** The platform's key ring, or the message explaining why there is none. */
function loadKeySource(config: Config, log: Logger): KeySource | string {
  const keyFile = config.masterKey === undefined ? keyFilePath(config.dataDir) : undefined;
  // Unlike the platform, never create a key file: a fresh key would protect nothing and hide a wrong DATA_DIR.
  if (keyFile !== undefined && !existsSync(keyFile)) return t('keys.noKey', { path: keyFile });
  try {
    return { keyRing: loadKeyRing({ masterKey: config.masterKey, keyFile, log }).keyRing, keyFile };
  } catch (error) {
    return t('keys.loadFailed', { reason: (error as Error).message });
  }
}

async function printStatus({ db }: Database, { keyRing, keyFile }: KeySource, print: Print): Promise<number> {
  const usage = describeKeyUsage(keyRing, await countSecretsByKey(db));
  print(t('keys.status.title', { source: sourceName(keyFile) }));
  const counts = usage.keys.map((key) => secrets(key.secrets));
  const idWidth = Math.max(...usage.keys.map((key) => key.keyId.length));
  const countWidth = Math.max(...counts.map((count) => count.length));
  for (const [i, key] of usage.keys.entries()) {
    print(`  ${key.keyId.padEnd(idWidth)}  ${counts[i]?.padEnd(countWidth)}  ${t(`keys.status.state.${key.state}`)}`);
  }
  const missing = usage.keys.filter((key) => key.state === 'missing');
  if (missing.length > 0) {
    print(t('keys.status.missing', { keyIds: idsOf(missing), count: format.integer(total(missing)) }));
  } else if (usage.pending > 0) {
    print(t('keys.status.unfinished', { secrets: secrets(usage.pending), keyId: usage.currentId }));
  } else {
    print(t('keys.status.complete', { keyId: usage.currentId }));
  }
  if (usage.keys.some((key) => key.state === 'retirable')) {
    print(keyFile === undefined ? t('keys.status.retire.env') : t('keys.status.retire.file', { path: keyFile }));
  }
  return missing.length > 0 ? 1 : 0;
}

async function rotate(
  database: Database, { keyRing, keyFile }: KeySource, { confirmed, log, print }: { confirmed: boolean; log: Logger; print: Print },
): Promise<number> {
  let result: RotationResult;
  try {
    result = await rotateKeys(database, keyRing, {
      keyFile, confirmed,
      onStart: (start) => printStart(start, keyFile, print),
      onBatch: (count) => print(t('keys.rotate.progress', { count: format.integer(count) })),
    });
  } catch (error) {
    log.error({ err: error }, 'master key rotation interrupted');
    console.error(t('keys.rotate.interrupted', { reason: (error as Error).message }));
    return 1;
  }
  switch (result.outcome) {
    case 'busy':
      console.error(t('keys.rotate.busy'));
      return 1;
    case 'missing-keys':
      console.error(t('keys.rotate.missing', { keyIds: idsOf(result.usage.keys.filter((key) => key.state === 'missing')) }));
      return 1;
    case 'needs-confirmation':
      print(t('keys.rotate.env.confirm', { keyId: result.usage.currentId, count: format.integer(result.usage.pending) }));
      return 1;
    case 'up-to-date': {
      const { ids, currentId } = keyRing.latest();
      print(t('keys.rotate.env.upToDate', { keyId: currentId }));
      print(t('keys.rotate.env.steps', { keyId: currentId, keys: ids.map((id) => `${id}:…`).join(','), next: nextKeyId(ids) }));
      return 0;
    }
    case 'rotated':
    case 'finished':
      log.info({ keyId: result.keyId, reencrypted: result.reencrypted, keyAdded: result.outcome === 'rotated' }, 'master key rotation finished');
      print(t('keys.rotate.done', { keyId: result.keyId, count: format.integer(result.reencrypted) }));
      print(t('keys.rotate.retireLater'));
      return 0;
  }
}

function printStart({ keyId, added, secrets: count }: RotationStart, keyFile: string | undefined, print: Print): void {
  if (added && keyFile !== undefined) {
    print(t('keys.rotate.keyAdded', { keyId, path: keyFile }));
    print(t('keys.rotate.backup', { keyId }));
    print(t('keys.rotate.platformFollows'));
  }
  print(t(added ? 'keys.rotate.reencrypting' : 'keys.rotate.resuming', { keyId, secrets: secrets(count) }));
}

function sourceName(keyFile: string | undefined): string {
  return keyFile === undefined ? t('keys.source.env') : t('keys.source.file', { path: keyFile });
}

function secrets(count: number): string {
  return t(count <= 1 ? 'keys.secrets.one' : 'keys.secrets.other', { count: format.integer(count) });
}

function total(keys: KeyUsage[]): number {
  return keys.reduce((sum, key) => sum + key.secrets, 0);
}

function idsOf(keys: KeyUsage[]): string {
  return keys.map((key) => key.keyId).join(', ');
}
