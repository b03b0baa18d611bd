// The orchestrator driver the configuration asks for (ORCHESTRATOR): tenants as local child processes,
// or as Portainer stacks.
import type { Logger } from 'pino';
import type { Config, PortainerConfig } from '../config.ts';
import type { Orchestrator } from '../provisioning/orchestrator.ts';
import { createLocalOrchestrator } from './local/local-orchestrator.ts';
import { createPortainerOrchestrator } from './portainer/portainer-orchestrator.ts';
import type { PortainerOrchestrator, PortainerOrchestratorOptions } from './portainer/portainer-orchestrator.ts';

export function createOrchestrator(config: Config, context: { databaseUrl: string; namespace: string; log: Logger }): Orchestrator {
  const { databaseUrl, namespace, log } = context;
  if (config.portainer) return createPortainerFromConfig(config.portainer, config, log);
  return createLocalOrchestrator({ databaseUrl, dataDir: config.dataDir, log, namespace });
}

export function createPortainerFromConfig(
  portainer: PortainerConfig,
  config: Pick<Config, 'stackTemplate' | 'tenantUrlTemplate'>,
  log: Logger,
  tuning: Pick<PortainerOrchestratorOptions, 'requestTimeoutMs'> = {},
): PortainerOrchestrator {
  const { url, apiKey, username, password, environments, insecureTls } = portainer;
  return createPortainerOrchestrator({
    url, apiKey, username, password, environments, insecureTls,
    templatePath: config.stackTemplate,
    domainTemplate: config.tenantUrlTemplate,
    log,
    ...tuning,
  });
}
