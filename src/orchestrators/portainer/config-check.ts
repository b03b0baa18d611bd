// `erpbtp config check` with ORCHESTRATOR=portainer: calls Portainer with the configured credentials and prints, in
// French, each configured environment as Portainer sees it. False when Portainer cannot be used as configured.
import pino from 'pino';
import type { Config, PortainerConfig } from '../../config.ts';
import { t } from '../../i18n/index.ts';
import { createPortainerFromConfig } from '../create-orchestrator.ts';
import type { EnvironmentReport } from './environments.ts';
import { PortainerError } from './portainer-errors.ts';

/** An operator is waiting: a silent host is reported after this rather than after the driver's 30 s. */
const CHECK_TIMEOUT_MS = 10_000;

export async function checkPortainer(portainer: PortainerConfig, config: Config, print: (line: string) => void): Promise<boolean> {
  if (portainer.insecureTls) print(t('config.portainer.insecureTls'));
  let orchestrator;
  try {
    orchestrator = createPortainerFromConfig(portainer, config, pino({ level: 'silent' }), { requestTimeoutMs: CHECK_TIMEOUT_MS });
  } catch (error) {
    print(t('config.portainer.template', { detail: (error as Error).message }));
    return false;
  }
  try {
    const reports = await orchestrator.describeEnvironments();
    const credentials = portainer.apiKey ? t('config.portainer.apiKey') : t('config.portainer.account', { username: portainer.username ?? '' });
    print(t('config.portainer.heading', { url: portainer.url, credentials }));
    for (const report of reports) print(describeEnvironment(report));
    const usable = reports.every((r) => r.problem === null);
    print(usable ? t('config.portainer.usable', { count: reports.length }) : t('config.portainer.unusable'));
    return usable;
  } catch (error) {
    print(describeFailure(portainer.url, error));
    return false;
  } finally {
    await orchestrator.close();
  }
}

function describeEnvironment(report: EnvironmentReport): string {
  const { id } = report;
  if (report.status === 'not found') return t('config.portainer.environmentProblem', { id, problem: t('config.portainer.problem.notFound') });
  if (report.mode === 'unsupported') return t('config.portainer.environmentProblem', { id, problem: t('config.portainer.problem.unsupported', { type: report.type }) });
  const mode =
    report.mode === 'swarm' ? t('config.portainer.mode.swarm', { swarmId: report.swarmId ?? '' })
      : report.mode === 'standalone' ? t('config.portainer.mode.standalone')
        : t('config.portainer.mode.unknown', { detail: report.problem ?? '' });
  const status = t(report.status === 'up' ? 'config.portainer.status.up' : 'config.portainer.status.down');
  return t('config.portainer.environment', { id, name: report.name ?? '', type: report.type, mode, status });
}

function describeFailure(url: string, error: unknown): string {
  const detail = (error as Error).message;
  if (!(error instanceof PortainerError)) return t('config.portainer.failed', { detail });
  if (error.status === null) return t('config.portainer.unreachable', { url, detail });
  if ([401, 403, 422].includes(error.status)) return t('config.portainer.refused', { detail });
  return t('config.portainer.failed', { detail });
}
