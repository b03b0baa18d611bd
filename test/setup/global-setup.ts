// Starts PostgreSQL for the whole test run (the embedded one, or the server named by
// DATABASE_URL), migrates a template database once, and publishes its coordinates to the
// test files, each of which clones the template into a database of its own.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { openDatabase, runMigrations } from '../../src/db/database.ts';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { startQueue } from '../../src/jobs/queue.ts';
import { databaseUrl } from '../helpers/database.ts';

let embedded: EmbeddedDatabase | undefined;
let tmpDir: string | undefined;
let adminUrl: string;
const runId = randomBytes(3).toString('hex');

export async function globalSetup(): Promise<void> {
  const log = pino({ level: 'warn' });
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    tmpDir = await mkdtemp(path.join(os.tmpdir(), 'erpbtp-test-'));
    // Durability is pointless for throwaway test data.
    embedded = await startEmbeddedPostgres({
      directory: tmpDir, log, settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
    });
    adminUrl = embedded.adminUrl;
  }
  const template = `t_${runId}_template`;
  await admin((c) => c.query(`create database ${template}`));
  const templateUrl = databaseUrl(adminUrl, template);
  const database = openDatabase(templateUrl, { max: 2 });
  await runMigrations(database.pool, log);
  await database.close();
  // Installing pg-boss's schema once here saves every test file from doing it.
  const queue = await startQueue(templateUrl, log);
  await queue.stop({ graceful: false });
  process.env.ERPBTP_TEST_ADMIN_URL = adminUrl;
  process.env.ERPBTP_TEST_TEMPLATE = template;
  process.env.ERPBTP_TEST_RUN = runId;
}

export async function globalTeardown(): Promise<void> {
  await admin(async (c) => {
    const { rows } = await c.query<{ datname: string }>('select datname from pg_database where datname like $1', [`t\\_${runId}\\_%`]);
    for (const { datname } of rows) await c.query(`drop database if exists ${datname} with (force)`);
  });
  await embedded?.stop();
  if (tmpDir) await rm(tmpDir, { recursive: true, force: true });
}

async function admin(fn: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}
