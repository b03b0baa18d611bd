// The health cycle's schedule. Every worker process offers a `monitoring.cycle` job a few times per interval;
// pg-boss keeps one job per interval slot (singletonSeconds: a slot's job exists once, even after it completed), so
// however many workers run, there is one cycle per HEALTH_CHECK_INTERVAL_SECONDS, run by whichever worker takes it.
// A cycle longer than its interval cannot overlap the next one: the cycle itself holds an advisory lock.
import type { Logger } from 'pino';
import type { Queue } from '../jobs/queue.ts';
import type { Config } from '../config.ts';
import type { HealthCycle, MonitoringSettings } from './health-cycle.ts';

const JOB = 'monitoring.cycle';
const STOP_WAIT_MS = 5_000;

export interface Monitoring {
  stop(): Promise<void>;
}

export async function startMonitoring(deps: { queue: Queue; cycle: HealthCycle; intervalSeconds: number; log: Logger }): Promise<Monitoring> {
  const { queue, cycle, intervalSeconds } = deps;
  const log = deps.log.child({ component: 'monitoring' });
  const stopping = new AbortController();
  let running: Promise<unknown> | undefined;

  async function handleMonitoringCycle(): Promise<void> {
    if (stopping.signal.aborted) return;
    running = cycle.run(stopping.signal).catch((err: unknown) => log.error({ err }, 'health cycle failed'));
    // Never thrown: a failed cycle is not retried, the next slot's cycle runs anyway.
    await running;
    running = undefined;
  }

  // The typed facade's send has no singletonSeconds: this one call goes to pg-boss itself, with the catalogue's name.
  const offer = () => queue.boss.send(JOB, {}, { singletonKey: JOB, singletonSeconds: intervalSeconds })
    .catch((err: unknown) => log.error({ err }, 'health cycle could not be scheduled'));

  await queue.work(JOB, { concurrency: 1 }, handleMonitoringCycle);
  void offer();
  // A few offers per slot, so no slot is missed whatever the timer's drift; pg-boss keeps the first.
  const timer = setInterval(() => void offer(), Math.max(5, Math.floor(intervalSeconds / 3)) * 1000);
  timer.unref();
  log.info({ intervalSeconds }, 'health monitoring scheduled');

  return {
    async stop() {
      clearInterval(timer);
      // A cycle in progress stops probing and writes nothing: the next one starts from the recorded state.
      // An inspect-all cannot be cancelled (it has its own request timeout): shutdown waits for it only so long.
      stopping.abort();
      await Promise.race([running, new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]);
    },
  };
}

/** The cycle's settings from the configuration. */
export function monitoringSettings(config: Pick<Config, 'healthCheckIntervalSeconds' | 'healthProbeTimeoutSeconds' | 'healthProbeConcurrency' | 'healAfterSeconds' | 'healthHistoryDays'>): MonitoringSettings {
  return {
    intervalSeconds: config.healthCheckIntervalSeconds,
    probeTimeoutMs: config.healthProbeTimeoutSeconds * 1000,
    probeConcurrency: config.healthProbeConcurrency,
    healAfterSeconds: config.healAfterSeconds,
    historyDays: config.healthHistoryDays,
  };
}
