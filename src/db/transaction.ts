// Transactions that span our tables and the job queue: the same connection runs both,
// so a job is enqueued if and only if the transaction commits.
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import type { Db } from './database.ts';
import * as schema from './schema.ts';

/** What pg-boss needs to run its statements inside our transaction. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface Transaction {
  tx: Db;
  sql: SqlExecutor;
}

export async function withTransaction<T>(pool: pg.Pool, work: (t: Transaction) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work({
      tx: drizzle(client, { schema }),
      sql: { executeSql: (text, values) => client.query(text, values as unknown[]) },
    });
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
