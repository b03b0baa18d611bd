// What monitoring needs of the alerts: open an incident (idempotent per key while unresolved, notified once by the
// alerts service) and resolve it (the recovery notice). A narrow interface, so the cycle does not depend on how
// alerts are stored or sent.
import type { Logger } from 'pino';

export type MonitoringAlertKind = 'instance_down' | 'environment_unreachable';

export interface MonitoringAlert {
  kind: MonitoringAlertKind;
  key: string;
  params: Record<string, string | number>;
  clientId?: number | null;
  stackId?: number | null;
  environment?: string | null;
}

export interface AlertSink {
  open(input: MonitoringAlert): Promise<unknown>;
  resolve(key: string): Promise<unknown>;
}

export const alertKeys = {
  instanceDown: (stackId: number) => `instance_down:stack:${stackId}`,
  environmentUnreachable: (orchestrator: string, environment: string) => `environment_unreachable:${orchestrator}:${environment}`,
};

/**
 * Stands in for the alerts service where none is wired: each incident and recovery is a warning in the logs, where
 * an operator (or a log-based alerting rule) can see it. Nothing is stored, so nothing is deduplicated here.
 */
export function createLogAlertSink(log: Logger): AlertSink {
  const sink = log.child({ component: 'monitoring-alerts' });
  return {
    async open(alert) {
      sink.warn({ alert: alert.key, kind: alert.kind, params: alert.params, stackId: alert.stackId, environment: alert.environment }, 'monitoring alert opened (no alerts service wired: log only)');
    },
    async resolve(key) {
      sink.warn({ alert: key }, 'monitoring alert resolved (no alerts service wired: log only)');
    },
  };
}
