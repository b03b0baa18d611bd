// The plan catalogue as the API shows it (marketing lines stay on the site).
import Type, { type Static } from 'typebox';
import { PLAN_IDS } from '../../../plans/plan.ts';
import { nullable, stringEnum } from './common.schemas.ts';

const Quota = Type.Integer({ minimum: -1, description: '-1 : illimité' });

export const PlanView = Type.Object({
  id: stringEnum(PLAN_IDS),
  name: Type.String(),
  monthlyPrice: nullable(Type.Number({ description: 'Euros HT par mois ; null : sur devis' })),
  trialDays: Type.Integer(),
  selfService: Type.Boolean({ description: 'Proposée dans le formulaire d’essai du site' }),
  quotas: Type.Object({ users: Quota, projects: Quota, storageGb: Quota }, { additionalProperties: false }),
  resources: Type.Object({ cpus: Type.Number(), memoryMb: Type.Integer() }, { additionalProperties: false }),
}, { additionalProperties: false });
export type PlanView = Static<typeof PlanView>;

export const PlanList = Type.Object({ plans: Type.Array(PlanView) }, { additionalProperties: false });
