// One circuit breaker per Portainer environment: after `failureThreshold` transient failures in a row, calls fail
// at once for `cooldownMs`; then a single probe call is let through, whose outcome closes or reopens the circuit.
// So an outage costs Portainer a probe per cooldown instead of every retry of every deployment.
import { OrchestratorError } from '../../provisioning/orchestrator.ts';

export interface CircuitBreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export function createCircuitBreaker(name: string, options: CircuitBreakerOptions, now: () => number = Date.now) {
  let failures = 0;
  let openUntil = 0;
  let probing = false;

  function state(): CircuitState {
    if (failures < options.failureThreshold) return 'closed';
    return now() < openUntil || probing ? 'open' : 'half-open';
  }

  return {
    state,

    /** Throws while the circuit is open; in half-open state lets exactly one caller through. */
    enter(): void {
      const current = state();
      if (current === 'closed') return;
      if (current === 'half-open') {
        probing = true;
        return;
      }
      const seconds = Math.max(1, Math.ceil((openUntil - now()) / 1000));
      throw new OrchestratorError(
        `${name}: circuit open after ${failures} failed calls in a row; next attempt in about ${seconds} s`,
        { transient: true },
      );
    },

    succeeded(): void {
      failures = 0;
      openUntil = 0;
      probing = false;
    },

    /** Returns true when this failure opened (or reopened) the circuit. */
    failed(): boolean {
      failures++;
      probing = false;
      if (failures < options.failureThreshold) return false;
      openUntil = now() + options.cooldownMs;
      return true;
    },
  };
}

export type CircuitBreaker = ReturnType<typeof createCircuitBreaker>;
