// One health cycle (see README.md): the state of every stack from one inspect-all per orchestrator environment, an
// HTTP probe of each running instance (bounded concurrency, short timeout), the state machine applied, the outages
// escalated (one restart, then one alert), the history sampled and trimmed. One cycle at a time across processes.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { Queue } from '../jobs/queue.ts';
import type { InstanceState, Orchestrator } from '../provisioning/orchestrator.ts';
import type { AlertSink } from './alert-sink.ts';
import { nextHealth, SAMPLE_EVERY_MS } from './health-state.ts';
import type { NextHealth } from './health-state.ts';
import type { Probe, ProbeResult } from './instance-probe.ts';
import { createLimiter, probeInstance } from './instance-probe.ts';
import { clearAbandonedOutages, deleteHealthChecksBefore, insertHealthChecks, listMonitoredStacks, saveHealth } from './monitoring.repository.ts';
import type { HealthSample, HealthUpdate, MonitoredStack } from './monitoring.repository.ts';
import { createOutageActions } from './outage-actions.ts';

export interface MonitoringSettings {
  /** HEALTH_CHECK_INTERVAL_SECONDS: how often a cycle runs (the job's schedule; also bounds history gaps). */
  intervalSeconds: number;
  /** HEALTH_PROBE_TIMEOUT_SECONDS, in ms. */
  probeTimeoutMs: number;
  /** HEALTH_PROBE_CONCURRENCY: probes in flight at once, all environments together. */
  probeConcurrency: number;
  /** HEAL_AFTER_SECONDS: down this long → one restart; still down this long after it → the alert. */
  healAfterSeconds: number;
  /** HEALTH_HISTORY_DAYS: history older than this is deleted. */
  historyDays: number;
}

export interface HealthCycleDeps {
  pool: pg.Pool;
  db: Db;
  queue: Pick<Queue, 'send'>;
  orchestrator: Pick<Orchestrator, 'kind' | 'environments' | 'inspectAll'>;
  alerts: AlertSink;
  log: Logger;
  now: () => Date;
  settings: MonitoringSettings;
  /** The HTTP probe (tests and benchmarks may count or slow it). */
  probe?: Probe;
}

export interface EnvironmentReport {
  environment: string;
  /** The orchestrator answered the inspect-all. */
  reachable: boolean;
  stacks: number;
  error?: string;
  /** Most probes of its running instances failed at once: a fault between the platform and them (see README.md). */
  probesFailing?: { failed: number; probed: number };
}

export interface CycleReport {
  /** False when another cycle held the lock (in this process or another): this call did nothing. */
  ran: boolean;
  aborted?: boolean;
  environments: EnvironmentReport[];
  checked: number;
  healthy: number;
  probes: number;
  transitions: number;
  restarts: number;
  alertsOpened: number;
  alertsResolved: number;
  samples: number;
  purged: number;
  durationMs: number;
}

const PURGE_BATCH = 10_000;
/** An environment where at least this many running instances were probed and this share of them failed at once. */
export const MASS_FAILURE = { minProbed: 10, share: 0.5 };
// Arbitrary constant shared by every process of the platform (the migrations use 727_001).
const CYCLE_LOCK = 727_010;

interface Check extends ProbeResult {
  instanceState: InstanceState;
}

export function createHealthCycle(deps: HealthCycleDeps) {
  const log = deps.log.child({ component: 'monitoring' });
  const probe = deps.probe ?? probeInstance;
  const outages = createOutageActions({ ...deps, log });
  let inProcess: Promise<CycleReport> | undefined;

  /** Runs a cycle unless one is already running here or in another process (then returns `ran: false`). */
  async function run(signal?: AbortSignal): Promise<CycleReport> {
    if (inProcess) return skipped();
    inProcess = (async () => {
      const lock = await deps.pool.connect();
      try {
        const { rows } = await lock.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [CYCLE_LOCK]);
        if (!rows[0]?.ok) return skipped();
        try {
          return await cycle(signal);
        } finally {
          await lock.query('select pg_advisory_unlock($1)', [CYCLE_LOCK]);
        }
      } finally {
        lock.release();
      }
    })();
    try {
      return await inProcess;
    } finally {
      inProcess = undefined;
    }
  }

  async function cycle(signal?: AbortSignal): Promise<CycleReport> {
    const started = performance.now();
    const now = deps.now();
    const report: CycleReport = { ...skipped(), ran: true };
    const kind = deps.orchestrator.kind;
    const stacks = await listMonitoredStacks(deps.pool, kind);
    const checks = await checkAll(groupByEnvironment(stacks), report, signal);
    if (signal?.aborted) return { ...report, aborted: true, durationMs: performance.now() - started };

    await outages.environments(report.environments);
    const { updates, samples } = await applyChecks(stacks.filter((s) => checks.has(s.id)), checks, now, report);
    const written = await saveHealth(deps.pool, updates, now);
    const kept = samples.filter((s) => written.has(s.stackId));
    await insertHealthChecks(deps.pool, kept, now);
    report.samples = kept.length;
    report.alertsResolved += await outages.abandoned(await clearAbandonedOutages(deps.pool, kind));
    report.purged = await deleteHealthChecksBefore(deps.pool, new Date(now.getTime() - deps.settings.historyDays * 86_400_000), PURGE_BATCH);
    report.durationMs = performance.now() - started;
    log.info(summary(report), 'health cycle done');
    return report;
  }

  /**
   * One inspect-all per environment, all at once; each environment's running instances are probed as soon as its
   * answer comes, through one limiter shared by all. A stack of an environment that does not answer gets no check.
   */
  async function checkAll(byEnvironment: Map<string, MonitoredStack[]>, report: CycleReport, signal?: AbortSignal): Promise<Map<number, Check>> {
    const limit = createLimiter(deps.settings.probeConcurrency);
    const checks = new Map<number, Check>();
    const timeoutMs = deps.settings.probeTimeoutMs;
    report.environments = await Promise.all(deps.orchestrator.environments().map(async (environment): Promise<EnvironmentReport> => {
      const stacks = byEnvironment.get(environment) ?? [];
      byEnvironment.delete(environment);
      let states: Awaited<ReturnType<HealthCycleDeps['orchestrator']['inspectAll']>>;
      try {
        states = await deps.orchestrator.inspectAll(environment);
      } catch (error) {
        return { environment, reachable: false, stacks: stacks.length, error: (error as Error).message };
      }
      let probed = 0;
      let failed = 0;
      await Promise.all(stacks.map(async (stack) => {
        const instanceState = states.get(stack.name)?.state ?? 'missing';
        if (instanceState !== 'running' || !stack.url) {
          checks.set(stack.id, { instanceState, ok: false, httpStatus: null, latencyMs: 0, detail: stack.url ? `instance ${instanceState}` : 'no URL' });
          return;
        }
        report.probes++;
        probed++;
        const result = await limit(() => probe(`${stack.url}/health`, { timeoutMs, signal }));
        if (!result.ok) failed++;
        checks.set(stack.id, { instanceState, ...result });
      }));
      if (probed >= MASS_FAILURE.minProbed && failed >= probed * MASS_FAILURE.share) {
        // Like an unreachable orchestrator: one alert for the environment, and no stack's health moved on such checks.
        for (const stack of stacks) checks.delete(stack.id);
        return { environment, reachable: true, stacks: stacks.length, probesFailing: { failed, probed } };
      }
      return { environment, reachable: true, stacks: stacks.length };
    }));
    for (const [environment, stacks] of byEnvironment) {
      log.warn({ environment, stacks: stacks.length }, 'stacks on an environment the orchestrator is not configured for: not checked');
    }
    return checks;
  }

  async function applyChecks(stacks: MonitoredStack[], checks: Map<number, Check>, now: Date, report: CycleReport) {
    const updates: HealthUpdate[] = [];
    const samples: HealthSample[] = [];
    for (const stack of stacks) {
      const check = checks.get(stack.id)!;
      report.checked++;
      if (check.ok) report.healthy++;
      const next = await outages.escalate(stack, nextHealth(stack, check.ok, now), check, now, report);
      // A recovery is a change even when a deployment already wrote `running` (the outage ends only now).
      if (next.state !== stack.observedState || next.recovered) {
        report.transitions++;
        logTransition(stack, next, check);
      }
      const { state, healthStatus, failures, successes, downSince, healedAt } = next;
      updates.push({ id: stack.id, previousState: stack.observedState, state, healthStatus, failures, successes, downSince, healedAt });
      if (needsSample(stack, next, check.ok, now)) {
        const { ok, instanceState, httpStatus, latencyMs, detail } = check;
        samples.push({ stackId: stack.id, ok, instanceState, httpStatus, latencyMs: httpStatus === null ? null : latencyMs, detail });
      }
    }
    return { updates, samples };
  }

  function logTransition(stack: MonitoredStack, next: NextHealth, check: Check): void {
    const fields = {
      stackId: stack.id, stack: stack.name, clientId: stack.clientId, environment: stack.environment,
      // A deployment may have written `running` during the outage: for monitoring the stack was down until now.
      from: next.recovered ? 'down' : stack.observedState, to: next.state,
      instanceState: check.instanceState, httpStatus: check.httpStatus, detail: check.detail, failures: next.failures, successes: next.successes,
    };
    if (next.state === 'running') log.info(fields, next.recovered ? 'stack health: back up after an outage' : 'stack health: running again');
    else log.warn(fields, next.state === 'down' ? 'stack health: down' : 'stack health: degraded');
  }

  return { run };
}

function groupByEnvironment(stacks: MonitoredStack[]): Map<string, MonitoredStack[]> {
  const groups = new Map<string, MonitoredStack[]>();
  for (const stack of stacks) {
    const group = groups.get(stack.environment);
    if (group) group.push(stack);
    else groups.set(stack.environment, [stack]);
  }
  return groups;
}

/** A history row on every change (state or verdict), and at least one per stack and hour otherwise. */
function needsSample(stack: MonitoredStack, next: NextHealth, ok: boolean, now: Date): boolean {
  if (stack.lastSampleAt === null || stack.lastSampleOk !== ok || next.state !== stack.observedState || next.recovered) return true;
  return now.getTime() - stack.lastSampleAt.getTime() >= SAMPLE_EVERY_MS;
}

function skipped(): CycleReport {
  return { ran: false, environments: [], checked: 0, healthy: 0, probes: 0, transitions: 0, restarts: 0, alertsOpened: 0, alertsResolved: 0, samples: 0, purged: 0, durationMs: 0 };
}

function summary(report: CycleReport) {
  const { environments, ...figures } = report;
  return {
    ...figures, durationMs: Math.round(report.durationMs),
    unreachable: environments.filter((e) => !e.reachable || e.probesFailing).map((e) => e.environment),
  };
}

export type HealthCycle = ReturnType<typeof createHealthCycle>;
