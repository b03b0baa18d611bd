// Provisioning's alerts: a creation that fails for good opens `deployment_failed:stack:<id>` (the staff's one
// message about it: the alert replaced the staff failure e-mail), and the next deployment of that stack that
// succeeds resolves it. Both run in the saga's own transaction: the alert exists if and only if the failure is recorded.
import type { Transaction } from '../db/transaction.ts';
import { t } from '../i18n/index.ts';
import { addAlertEvent } from './alerts.repository.ts';
import type { AlertsService } from './alerts.service.ts';

export interface DeploymentFailure {
  client: { id: number; entreprise: string };
  stack: { id: number; name: string; environment: string };
  deployment: { id: number };
  error: string;
  step: string | undefined;
}

export interface DeploymentAlerts {
  failed(transaction: Transaction, failure: DeploymentFailure): Promise<void>;
  succeeded(transaction: Transaction, stackId: number): Promise<void>;
}

/** Where no alerts service is wired (tests of the saga alone). */
export const NO_DEPLOYMENT_ALERTS: DeploymentAlerts = { failed: async () => undefined, succeeded: async () => undefined };

const ERROR_MAX = 500;

export const deploymentFailedKey = (stackId: number): string => `deployment_failed:stack:${stackId}`;

export function createDeploymentAlerts(alerts: Pick<AlertsService, 'openIn' | 'resolveIn'>, now: () => Date = () => new Date()): DeploymentAlerts {
  return {
    async failed(transaction, { client, stack, deployment, error, step }) {
      const summary = error.length > ERROR_MAX ? `${error.slice(0, ERROR_MAX - 1)}…` : error;
      const opened = await alerts.openIn(transaction, {
        kind: 'deployment_failed', key: deploymentFailedKey(stack.id), clientId: client.id, stackId: stack.id, environment: stack.environment,
        params: { company: client.entreprise, stack: stack.name, deploymentId: deployment.id, step: step ?? '—', error: summary },
      });
      // A retry that fails again while the alert is open: no second notice, but the timeline says so.
      if (!opened.created) {
        await addAlertEvent(transaction.tx, { alertId: opened.id, type: 'repeated', detail: t('alert.repeated.deployment', { id: deployment.id, error: summary }), at: now() });
      }
    },
    async succeeded(transaction, stackId) {
      await alerts.resolveIn(transaction, deploymentFailedKey(stackId));
    },
  };
}
