// One connection pool per process, the Drizzle query builder over it, and migrations.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Logger } from 'pino';
import * as schema from './schema.ts';

export type Db = NodePgDatabase<typeof schema>;
/** A transaction or the database itself: every repository method accepts either. */
export type Executor = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  pool: pg.Pool;
  db: Db;
  close(): Promise<void>;
}

// Postgres `bigint` (int8) ids fit in a JS number for any realistic count of rows.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function openDatabase(url: string, options: { max?: number; applicationName?: string } = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'erpbtp',
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return { pool, db: drizzle(pool, { schema }), close: () => pool.end() };
}

export const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
// Arbitrary constant shared by every process of the platform.
const MIGRATION_LOCK = 727_001;

/** Applies pending migrations; concurrent callers wait on an advisory lock and then find nothing to do. */
export async function runMigrations(pool: pg.Pool, log: Logger): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
    log.debug('database migrations applied');
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}

/** True when every migration shipped with this build is recorded in the database. */
export async function migrationsApplied(pool: pg.Pool): Promise<boolean> {
  const journal = (await import(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), { with: { type: 'json' } }))
    .default as { entries: unknown[] };
  try {
    const { rows } = await pool.query<{ count: number }>('select count(*)::int as count from drizzle.__drizzle_migrations');
    return (rows[0]?.count ?? 0) >= journal.entries.length;
  } catch {
    return false;
  }
}
