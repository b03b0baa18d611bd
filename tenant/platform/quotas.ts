// Quota decisions before creating a user or a chantier. The platform decides; when it cannot answer,
// the plan's limits passed in the environment (QUOTA_*) decide; without those, creation is allowed
// (fail open: an outage of the control plane must not stop a customer's work).
import type { Logger } from 'pino';
import type { PlanQuotas } from '../config.ts';
import type { PlatformClient, QuotaResource } from './platform.client.ts';

export type QuotaDecision =
  | { allowed: true }
  | { allowed: false; used: number; limit: number; message: string | null };

export interface QuotaGate {
  /** `current` is the count before the creation being attempted. */
  check(resource: Exclude<QuotaResource, 'storage'>, current: number): Promise<QuotaDecision>;
}

export function createQuotaGate(deps: { platform: Pick<PlatformClient, 'checkQuota'>; quotas: PlanQuotas; log: Logger }): QuotaGate {
  return {
    async check(resource, current) {
      const local = resource === 'users' ? deps.quotas.users : deps.quotas.projects;
      const answer = await deps.platform.checkQuota(resource, current);
      if (answer) {
        if (answer.allowed) return { allowed: true };
        deps.log.info({ resource, current, limit: answer.limit }, 'quota reached');
        return { allowed: false, used: answer.used ?? current, limit: answer.limit ?? local ?? current, message: answer.message };
      }
      if (local === null || local < 0 || current < local) return { allowed: true };
      return { allowed: false, used: current, limit: local, message: null };
    },
  };
}
