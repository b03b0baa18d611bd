// A commercial plan: what the customer pays, how long the trial lasts, what they may use,
// and the container resources their instance gets. Plans come from configuration
// (plans.defaults.json, or the file named by PLANS_FILE), never from page code.
import Type, { type Static } from 'typebox';

export const PLAN_IDS = ['essai', 'starter', 'pro', 'enterprise'] as const;
export type PlanId = (typeof PLAN_IDS)[number];

/** -1 means unlimited. */
const Quota = Type.Integer({ minimum: -1 });

export const PlanSchema = Type.Object({
  id: Type.Union(PLAN_IDS.map((id) => Type.Literal(id))),
  /** Display name, e.g. "Starter". */
  name: Type.String({ minLength: 1, maxLength: 40 }),
  /** Monthly price in euros; null means "sur devis" (quoted). */
  monthlyPrice: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
  trialDays: Type.Integer({ minimum: 1, maximum: 365 }),
  /** Whether a prospect can start a trial of this plan from the site form. */
  selfService: Type.Boolean(),
  quotas: Type.Object({ users: Quota, projects: Quota, storageGb: Quota }, { additionalProperties: false }),
  resources: Type.Object({ cpus: Type.Number({ exclusiveMinimum: 0 }), memoryMb: Type.Integer({ minimum: 64 }) }, { additionalProperties: false }),
  /** Marketing lines shown on the pricing page, in French. */
  highlights: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 10 }),
}, { additionalProperties: false });

export type Plan = Static<typeof PlanSchema> & { id: PlanId };
export type PlanQuotas = Plan['quotas'];
export type PlanResources = Plan['resources'];
