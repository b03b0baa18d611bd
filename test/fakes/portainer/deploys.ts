// Portainer's process-wide deploy mutex (reference §6): every stack create and update, on every environment,
// runs one at a time, each taking `deployMs`. Injected deploy errors fail the next deploys with compose stderr.
import { setTimeout as sleep } from 'node:timers/promises';
import { ComposeError } from './compose-file.ts';

export interface DeployStats {
  completed: number;
  failed: number;
  /** Highest number of deploys seen running at once: 1 while the lock holds. */
  maxConcurrent: number;
}

export function createDeployQueue(settings: { deployMs: number }, signal: AbortSignal) {
  let tail: Promise<unknown> = Promise.resolve();
  let running = 0;
  const stats: DeployStats = { completed: 0, failed: 0, maxConcurrent: 0 };
  const injectedErrors: string[] = [];

  return {
    stats,

    /** The next deploy fails with this compose stderr (after taking its time, as a real failed `up` does). */
    failNext(stderr: string): void {
      injectedErrors.push(stderr);
    },

    /** Runs `deploy` under the lock after the configured delay; it still completes if the client went away. */
    run<T>(deploy: () => T): Promise<T> {
      const turn = tail.then(async () => {
        running++;
        stats.maxConcurrent = Math.max(stats.maxConcurrent, running);
        try {
          await sleep(settings.deployMs, undefined, { signal });
          const injected = injectedErrors.shift();
          if (injected !== undefined) throw new ComposeError(injected);
          const result = deploy();
          stats.completed++;
          return result;
        } catch (err) {
          stats.failed++;
          throw err;
        } finally {
          running--;
        }
      });
      tail = turn.catch(() => undefined);
      return turn;
    },
  };
}

export type DeployQueue = ReturnType<typeof createDeployQueue>;
