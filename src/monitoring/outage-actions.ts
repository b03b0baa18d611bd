// What an outage leads to: one automatic restart (a redeploy deployment, audited, `healed_at` set in its
// transaction so it happens once per outage), then the instance_down alert if the restart did not help, resolved on
// recovery; and the environment_unreachable alert of an orchestrator environment that does not answer.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Actor } from '../audit/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { t } from '../i18n/index.ts';
import type { Queue } from '../jobs/queue.ts';
import type { Orchestrator } from '../provisioning/orchestrator.ts';
import { requestStackOperation } from '../provisioning/stack-operations.ts';
import type { AlertSink } from './alert-sink.ts';
import { alertKeys } from './alert-sink.ts';
import type { CycleReport, EnvironmentReport, MonitoringSettings } from './health-cycle.ts';
import { escalation } from './health-state.ts';
import type { NextHealth } from './health-state.ts';
import type { ProbeResult } from './instance-probe.ts';
import { getCompanyName, markHealed } from './monitoring.repository.ts';
import type { AbandonedOutage, MonitoredStack } from './monitoring.repository.ts';

export const MONITORING_ACTOR: Actor = { type: 'system', label: 'surveillance' };

interface OutageDeps {
  pool: pg.Pool;
  queue: Pick<Queue, 'send'>;
  orchestrator: Pick<Orchestrator, 'kind'>;
  alerts: AlertSink;
  log: Logger;
  settings: Pick<MonitoringSettings, 'healAfterSeconds'>;
}

type Check = ProbeResult & { instanceState: string };

export function createOutageActions(deps: OutageDeps) {
  const { log, alerts } = deps;

  /** Applies the escalation this check calls for; returns the health to record (with what was done). */
  async function escalate(stack: MonitoredStack, next: NextHealth, check: Check, now: Date, report: CycleReport): Promise<NextHealth> {
    switch (escalation(stack, next, now, deps.settings.healAfterSeconds * 1000)) {
      case 'restart': return restart(stack, next, now, report);
      case 'alert': return openAlert(stack, next, check, report);
      case 'resolve': return resolve(stack, next, report);
      default: return next;
    }
  }

  async function restart(stack: MonitoredStack, next: NextHealth, now: Date, report: CycleReport): Promise<NextHealth> {
    const fields = { stackId: stack.id, stack: stack.name, clientId: stack.clientId, downSince: next.downSince };
    try {
      const outcome = await requestStackOperation(deps.pool, deps.queue, stack.id, 'redeploy', async (tx, deploymentId) => {
        await markHealed(tx, stack.id, now);
        await recordAudit(tx, MONITORING_ACTOR, {
          action: 'stack.autoRestartRequested', target: { type: 'stack', id: stack.name }, clientId: stack.clientId,
          details: { deployment: deploymentId, downSince: next.downSince!.toISOString() },
        });
      });
      if (outcome.status === 'queued') {
        report.restarts++;
        log.warn({ ...fields, deploymentId: outcome.deploymentId }, 'instance down: automatic restart requested');
        return { ...next, healedAt: now };
      }
      if (outcome.status === 'busy') {
        // Someone (or something) is already deploying it: its outcome comes first; the restart is tried next cycle.
        log.info({ ...fields, deploymentId: outcome.deploymentId }, 'instance down: a deployment is already running on it');
        return next;
      }
      log.warn({ ...fields, outcome }, 'instance down and cannot be restarted: staff will be alerted');
      return { ...next, healedAt: now };
    } catch (err) {
      log.error({ ...fields, err }, 'instance down: the automatic restart could not be requested');
      return next;
    }
  }

  async function openAlert(stack: MonitoredStack, next: NextHealth, check: Check, report: CycleReport): Promise<NextHealth> {
    const fields = { stackId: stack.id, stack: stack.name, clientId: stack.clientId, downSince: next.downSince, restartedAt: stack.healedAt };
    try {
      const company = await getCompanyName(deps.pool, stack.clientId);
      await alerts.open({
        kind: 'instance_down', key: alertKeys.instanceDown(stack.id), clientId: stack.clientId, stackId: stack.id, environment: stack.environment,
        params: {
          company: company ?? '', stack: stack.name, environment: stack.environment, url: stack.url ?? '', downSince: next.downSince!.toISOString(),
          restartedAt: stack.healedAt!.toISOString(), instanceState: check.instanceState, detail: check.detail ?? '',
        },
      });
      report.alertsOpened++;
      log.error(fields, 'instance still down after its automatic restart: alert opened');
      return { ...next, healthStatus: 'alerted' };
    } catch (err) {
      log.error({ ...fields, err }, 'instance down: the alert could not be opened (tried again next cycle)');
      return next;
    }
  }

  /** The recovery is recorded only once the alert is resolved: if that fails, the stack stays down one more cycle. */
  async function resolve(stack: MonitoredStack, next: NextHealth, report: CycleReport): Promise<NextHealth> {
    try {
      await alerts.resolve(alertKeys.instanceDown(stack.id));
      report.alertsResolved++;
      log.info({ stackId: stack.id, stack: stack.name, clientId: stack.clientId }, 'instance back up after an outage: alert resolved');
      return next;
    } catch (err) {
      log.error({ stackId: stack.id, stack: stack.name, err }, 'instance back up, but its alert could not be resolved (tried again next cycle)');
      const healthStatus = stack.healthStatus === 'alerted' ? 'alerted' : 'healthy';
      return { ...next, state: 'down', healthStatus, downSince: stack.downSince, healedAt: stack.healedAt, recovered: false };
    }
  }

  /**
   * One alert per environment that does not answer, resolved once it does. Both calls are made at every cycle: the
   * alerts service ignores an open of an unresolved key and a resolve of a key with nothing open, and the cycle may
   * run in any worker process, so none can remember what the last one did.
   */
  async function environments(reports: EnvironmentReport[]): Promise<void> {
    const kind = deps.orchestrator.kind;
    for (const env of reports) {
      const key = alertKeys.environmentUnreachable(kind, env.environment);
      try {
        if (env.reachable && !env.probesFailing) {
          await alerts.resolve(key);
          continue;
        }
        const { failed = 0, probed = 0 } = env.probesFailing ?? {};
        const error = env.error ?? `${failed} of ${probed} running instances fail their health check`;
        log.error({ orchestrator: kind, environment: env.environment, stacks: env.stacks, err: error }, env.reachable
          ? 'most instances of an environment fail at once: their health is left as it was, nothing restarted'
          : 'orchestrator environment unreachable: its stacks are not checked');
        await alerts.open({
          kind: 'environment_unreachable', key, environment: env.environment,
          params: { orchestrator: kind, environment: env.environment, stacks: env.stacks, reason: t(env.reachable ? 'monitoring.reason.probes' : 'monitoring.reason.orchestrator'), error },
        });
      } catch (err) {
        log.error({ environment: env.environment, err }, 'environment alert could not be updated');
      }
    }
  }

  /** Outages of stacks suspended, deleted or recreated meanwhile: their alert (if any) has no reason to stay open. */
  async function abandoned(outages: AbandonedOutage[]): Promise<number> {
    let resolved = 0;
    for (const outage of outages) {
      log.info({ stackId: outage.id, stack: outage.name }, 'outage closed: the stack is no longer meant to run');
      if (outage.healedAt === null) continue;
      try {
        await alerts.resolve(alertKeys.instanceDown(outage.id));
        resolved++;
      } catch (err) {
        log.error({ stackId: outage.id, stack: outage.name, err }, 'the alert of a stack no longer monitored could not be resolved');
      }
    }
    return resolved;
  }

  return { escalate, environments, abandoned };
}
