// The per-stack health state machine with hysteresis (see README.md): pure functions of the stack's recorded health
// and the verdict of one check, so every rule is testable without a database or an orchestrator.
import type { StackObservedState } from '../db/schema.ts';

export type MonitoredState = Extract<StackObservedState, 'running' | 'degraded' | 'down'>;
export const MONITORED_STATES: readonly MonitoredState[] = ['running', 'degraded', 'down'];

/** Consecutive failed checks that make a stack down, and consecutive good ones that bring it back. */
export const FAILURES_TO_GO_DOWN = 2;
export const SUCCESSES_TO_COME_BACK = 2;
/** A history row per stack at least this often, besides every change. */
export const SAMPLE_EVERY_MS = 3_600_000;

/** `alerted`: the instance_down alert of the current outage was opened (so it is not opened again each cycle). */
export type HealthStatus = 'healthy' | 'unhealthy' | 'alerted';

/** A stack's health as recorded in its row (stacks.observed_state, health_* columns, down_since, healed_at). */
export interface HealthRecord {
  observedState: MonitoredState;
  healthStatus: string | null;
  failures: number;
  successes: number;
  downSince: Date | null;
  healedAt: Date | null;
  /** When the previous check was made (null: never checked). */
  checkedAt: Date | null;
}

export interface NextHealth {
  state: MonitoredState;
  healthStatus: HealthStatus;
  failures: number;
  successes: number;
  downSince: Date | null;
  healedAt: Date | null;
  /** The stack has just become down, or has just come back from down. */
  wentDown: boolean;
  recovered: boolean;
}

/**
 * One check's effect. A success clears a single failure at once (degraded → running: it was never down); two
 * failures in a row make the stack down, its outage dated from the first of them; two successes in a row end it.
 * While down, `observed_state = 'running'` can only have been written by a deployment that saw the instance answer
 * (the self-healing restart's last step): that counts as the first of the two successes.
 */
export function nextHealth(prev: HealthRecord, ok: boolean, now: Date): NextHealth {
  const wasDown = prev.downSince !== null;
  const priorSuccesses = wasDown && prev.observedState === 'running' ? Math.max(prev.successes, 1) : prev.successes;
  const failures = ok ? 0 : prev.failures + 1;
  const successes = ok ? priorSuccesses + 1 : 0;
  const keepAlerted = prev.healthStatus === 'alerted';
  if (wasDown) {
    if (ok && successes >= SUCCESSES_TO_COME_BACK) {
      return { state: 'running', healthStatus: 'healthy', failures, successes, downSince: null, healedAt: null, wentDown: false, recovered: true };
    }
    const healthStatus: HealthStatus = keepAlerted ? 'alerted' : ok ? 'healthy' : 'unhealthy';
    return { state: 'down', healthStatus, failures, successes, downSince: prev.downSince, healedAt: prev.healedAt, wentDown: false, recovered: false };
  }
  if (!ok && failures >= FAILURES_TO_GO_DOWN) {
    // The previous check failed too (failures ≥ 1 before this one): the outage began then.
    const downSince = prev.failures >= 1 && prev.checkedAt ? prev.checkedAt : now;
    return { state: 'down', healthStatus: 'unhealthy', failures, successes, downSince, healedAt: null, wentDown: true, recovered: false };
  }
  return {
    state: ok ? 'running' : 'degraded', healthStatus: ok ? 'healthy' : 'unhealthy', failures, successes,
    downSince: null, healedAt: null, wentDown: false, recovered: false,
  };
}

export type Escalation = 'restart' | 'alert' | 'resolve' | null;

/**
 * What the outage calls for after this check: one automatic restart once the stack has been down for `healAfterMs`;
 * the alert once it is still down `healAfterMs` after that restart was requested (in an earlier cycle, so at least
 * one check followed it); a resolution when it comes back after a restart (the only outages that can have an alert).
 */
export function escalation(prev: HealthRecord, next: NextHealth, now: Date, healAfterMs: number): Escalation {
  if (next.recovered) return prev.healedAt !== null ? 'resolve' : null;
  if (next.state !== 'down' || next.downSince === null) return null;
  if (prev.healedAt === null) return now.getTime() - next.downSince.getTime() >= healAfterMs ? 'restart' : null;
  if (next.healthStatus === 'alerted') return null;
  return now.getTime() - prev.healedAt.getTime() >= healAfterMs ? 'alert' : null;
}
