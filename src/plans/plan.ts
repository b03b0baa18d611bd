// A commercial plan: what the customer pays, how long the trial lasts, what they may use,
// and the container resources their instance gets. Plans come from configuration
// (see plans.defaults.json and PLANS_FILE), never from page code.

export type PlanId = 'essai' | 'starter' | 'pro' | 'enterprise';

/** -1 means unlimited. */
export interface PlanQuotas {
  users: number;
  projects: number;
  storageGb: number;
}

export interface PlanResources {
  /** CPU cores, e.g. 0.5 */
  cpus: number;
  memoryMb: number;
}

export interface Plan {
  id: PlanId;
  /** Display name, e.g. "Starter". */
  name: string;
  /** Monthly price in euros; null means "sur devis" (quoted). */
  monthlyPrice: number | null;
  trialDays: number;
  /** Whether a prospect can start a trial of this plan from the site form. */
  selfService: boolean;
  quotas: PlanQuotas;
  resources: PlanResources;
  /** Marketing lines shown on the pricing page, in French. */
  highlights: string[];
}
