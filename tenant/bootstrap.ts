// Work done once per start, after the HTTP server listens (so the platform's time-to-ready clock is
// not spent waiting for it): create the schema, then the initial administrator if there is no user yet.
// Retries until the database answers; /health reports 503 until it is done.
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { Logger } from 'pino';
import { ensureSchema, withSchemaLock } from './db/schema.ts';
import { createUsersRepository } from './users/users.repository.ts';

export interface Bootstrap {
  /** Resolves when the instance is ready; with `retry` (default true) it keeps trying until `signal` aborts. */
  run(options?: { retry?: boolean; signal?: AbortSignal }): Promise<void>;
  readonly done: boolean;
}

export function createBootstrap(deps: {
  pool: pg.Pool;
  log: Logger;
  initialUser: { username: string; password: string };
  hashPassword: (password: string) => Promise<string>;
}): Bootstrap {
  let done = false;

  async function attempt(): Promise<void> {
    const started = performance.now();
    const created = await withSchemaLock(deps.pool, async (client) => {
      await ensureSchema(client);
      const users = createUsersRepository(client);
      // Only when the table is empty: a restart must never reset a password the customer changed.
      if ((await users.count()) > 0) return false;
      const passwordHash = await deps.hashPassword(deps.initialUser.password);
      return users.createIfNone({ username: deps.initialUser.username, passwordHash });
    });
    done = true;
    deps.log.info({ initialUserCreated: created, ms: Math.round(performance.now() - started) }, 'instance ready');
  }

  return {
    get done() {
      return done;
    },
    async run(options = {}) {
      const retry = options.retry ?? true;
      for (let delay = 200; !done; delay = Math.min(delay * 2, 5_000)) {
        try {
          await attempt();
        } catch (err) {
          const error = err as Error & { code?: string };
          if (!retry || options.signal?.aborted) throw err;
          deps.log.warn({ err: { message: error.message, code: error.code }, retryInMs: delay }, 'database not ready, retrying');
          await sleep(delay, undefined, { signal: options.signal }).catch(() => undefined);
          if (options.signal?.aborted) throw err;
        }
      }
    },
  };
}
