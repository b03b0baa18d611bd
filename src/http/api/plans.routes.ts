// /api/v1/plans: the catalogue, for any valid key.
import type { FastifyInstance } from 'fastify';
import type { Plan } from '../../plans/plan.ts';
import { planView } from './api-views.ts';
import { AUTH_PROBLEMS, json } from './schemas/common.schemas.ts';
import { PlanList } from './schemas/plans.schemas.ts';

export async function plansRoutes(app: FastifyInstance, deps: { plans: readonly Plan[] }): Promise<void> {
  const body = { plans: deps.plans.map(planView) };
  app.get('/plans', {
    config: { apiScope: 'any' },
    schema: {
      operationId: 'listPlans', tags: ['Offres'], security: [{ apiKey: [] }], summary: 'Lister les offres',
      description: 'Toute clé valide, quelles que soient ses portées.',
      response: { 200: json('Les offres', PlanList), 401: AUTH_PROBLEMS[401], 429: AUTH_PROBLEMS[429] },
    },
  }, async () => body);
}
