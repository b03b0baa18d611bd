// A typed facade over pg-boss: durable jobs in the platform's PostgreSQL, shared by every
// worker process. `send` can join a caller's transaction so a job exists only if it commits.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { SqlExecutor } from '../db/transaction.ts';
import { JOB_NAMES, type JobCatalogue, type JobName } from './catalogue.ts';

export interface SendOptions {
  /** Run the insert inside this transaction. */
  db?: SqlExecutor;
  singletonKey?: string;
  startAfter?: number | Date;
}

export type JobHandler<N extends JobName> = (data: JobCatalogue[N], job: { id: string; retryCount: number }) => Promise<void>;

export interface Queue {
  send<N extends JobName>(name: N, data: JobCatalogue[N], options?: SendOptions): Promise<string | null>;
  work<N extends JobName>(name: N, options: { concurrency: number }, handler: JobHandler<N>): Promise<void>;
  isRunning(): boolean;
  stop(options?: { graceful?: boolean; timeoutMs?: number }): Promise<void>;
  boss: PgBoss;
}

const statementNames = new Map<string, string>();

/**
 * Runs pg-boss's statements on this connection (so `send` joins its transaction) as named prepared
 * statements: pg-boss builds the same SQL text for every job of a queue, and each connection then
 * plans it once instead of at every send.
 */
export function connectionExecutor(client: pg.ClientBase): SqlExecutor {
  return {
    executeSql: (text, values) => {
      let name = statementNames.get(text);
      if (!name) {
        name = `pgboss-${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
        if (statementNames.size < 100) statementNames.set(text, name);
      }
      return client.query({ name, text, values: values as unknown[] });
    },
  };
}

export async function startQueue(url: string, log: Logger, options: { schedule?: boolean } = {}): Promise<Queue> {
  const boss = new PgBoss({
    connectionString: url,
    schema: 'pgboss',
    max: 4,
    application_name: 'erpbtp-queue',
    schedule: options.schedule ?? false,
    // Workers wake on LISTEN/NOTIFY instead of waiting for the next poll.
    useListenNotify: true,
  });
  boss.on('error', (error: Error) => log.error({ err: error }, 'job queue error'));
  await boss.start();
  for (const name of JOB_NAMES) {
    await boss.createQueue(name, { notify: true, retryLimit: 5, retryDelay: 2, retryBackoff: true });
  }
  let running = true;
  return {
    boss,
    send: (name, data, o = {}) =>
      boss.send(name, data as object, {
        ...(o.db ? { db: o.db } : {}),
        ...(o.singletonKey ? { singletonKey: o.singletonKey } : {}),
        ...(o.startAfter !== undefined ? { startAfter: o.startAfter } : {}),
      }),
    async work<N extends JobName>(name: N, { concurrency }: { concurrency: number }, handler: JobHandler<N>) {
      // NOTIFY only announces new jobs: a worker that frees up while jobs wait, or a job whose
      // startAfter (retry, deferral) comes due, is found by polling, which would otherwise be 30 s.
      const polling = { pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1 };
      await boss.work<JobCatalogue[N]>(name, { batchSize: 1, localConcurrency: concurrency, ...polling }, async (jobs) => {
        for (const job of jobs) await handler(job.data, { id: job.id, retryCount: job.retryCount });
      });
    },
    isRunning: () => running,
    stop: async ({ graceful = true, timeoutMs = 8000 } = {}) => {
      running = false;
      await boss.stop({ graceful, timeout: timeoutMs });
    },
  };
}
