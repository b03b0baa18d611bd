// One small connection pool per instance. Short timeouts: the health probe and pages must answer
// quickly when the database is down rather than hang.
import pg from 'pg';
import type { Logger } from 'pino';
import type { DatabaseConfig } from '../config.ts';

export type Pool = pg.Pool;
export type Queryable = Pick<pg.Pool, 'query'>;

export function createPool(database: DatabaseConfig, log: Logger): pg.Pool {
  const common = {
    max: 5,
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: 30_000,
    query_timeout: 5_000,
    application_name: 'erpbtp-tenant',
  };
  const pool = new pg.Pool(
    database.kind === 'url'
      ? { ...common, connectionString: database.connectionString }
      : { ...common, host: database.host, port: database.port, database: database.database, user: database.user, password: database.password },
  );
  // An idle client losing its connection (database restarted or dropped) must not crash the process.
  pool.on('error', (err: Error & { code?: string }) => {
    log.warn({ err: { message: err.message, code: err.code } }, 'database connection lost');
  });
  return pool;
}
