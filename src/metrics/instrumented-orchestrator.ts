// The orchestrator, timed: every operation's duration and outcome by environment, whatever the
// driver (for Portainer, each operation is one or a few API calls).
import type { Orchestrator } from '../provisioning/orchestrator.ts';
import type { PlatformMetrics } from './metrics.ts';

const TIMED = ['deploy', 'update', 'inspect', 'inspectAll', 'stop', 'start', 'remove', 'logs'] as const;

export function instrumentOrchestrator(orchestrator: Orchestrator, metrics: PlatformMetrics): Orchestrator {
  const timed = { ...orchestrator } as Record<string, unknown>;
  for (const operation of TIMED) {
    const original = orchestrator[operation].bind(orchestrator) as (...args: unknown[]) => Promise<unknown>;
    timed[operation] = async (...args: unknown[]) => {
      const environment = typeof args[0] === 'string' ? args[0] : (args[0] as { environment?: string }).environment ?? '';
      const end = metrics.orchestrator.startTimer({ operation, environment });
      try {
        const result = await original(...args);
        end({ outcome: 'ok' });
        return result;
      } catch (error) {
        end({ outcome: 'error' });
        throw error;
      }
    };
  }
  return { ...(timed as unknown as Orchestrator), kind: orchestrator.kind, environments: () => orchestrator.environments(), close: () => orchestrator.close() };
}
