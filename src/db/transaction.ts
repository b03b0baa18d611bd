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

// Drizzle reads the whole schema each time an instance is made (a quarter of a millisecond here, a few per cent of
// the CPU of an API creation): one per connection, which the pool keeps and lends again, instead of one per transaction.
const executors = new WeakMap<pg.PoolClient, Db>();

/** Queries on a connection the caller holds (in a transaction: the signup's, the API's). */
export function executorOf(client: pg.PoolClient): Db {
  let executor = executors.get(client);
  if (!executor) executors.set(client, (executor = drizzle(client, { schema })));
  return executor;
}

export async function withTransaction<T>(pool: pg.Pool, work: (t: Transaction) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work({
      tx: executorOf(client),
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
