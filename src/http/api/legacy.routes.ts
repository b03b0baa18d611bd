// The original system's routes, kept with their meaning as deprecated aliases of v1 (documented as such):
// POST /api/stacks/create creates a stack from { client_name, email, plan }, GET /api/stacks/{name}/status
// answers as GET /api/v1/stacks/{name}/status. Unlike the original, they need an API key.
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { Plan } from '../../plans/plan.ts';
import { initialUsername } from '../../provisioning/stack-variables.ts';
import { actorOf } from './api-auth.ts';
import { AUTH_PROBLEMS, json, LOCATION_HEADER, problem, StackNameParams } from './schemas/common.schemas.ts';
import { LegacyCreateBody, LegacyCreated } from './schemas/legacy.schemas.ts';
import { StackStatus } from './schemas/stacks.schemas.ts';
import { parseLegacyCreation, type StackCreation } from './stack-creation.service.ts';
import type { StacksApi } from './stacks-api.service.ts';
import { security } from './stacks.routes.ts';

export async function legacyRoutes(app: FastifyInstance, deps: { stacks: StacksApi; creation: StackCreation; plans: readonly Plan[] }): Promise<void> {
  const tags = ['Ancienne API'];

  app.post<{ Body: LegacyCreateBody }>('/stacks/create', {
    config: { apiScope: 'stacks:write' },
    schema: {
      operationId: 'legacyCreateStack', tags, deprecated: true, security: security('stacks:write'),
      summary: 'Créer une instance (ancienne route, obsolète : POST /api/v1/stacks)',
      description: 'Alias de POST /api/v1/stacks pour le corps de l’ancienne API { client_name, email, plan }. Le nom de l’entreprise sert aussi '
        + 'de prénom par défaut : l’identifiant de connexion en est dérivé, comme avant. Le mot de passe n’est plus renvoyé ici.',
      body: LegacyCreateBody,
      response: {
        202: json('Demande enregistrée', LegacyCreated, LOCATION_HEADER), 400: problem(400), ...AUTH_PROBLEMS,
        409: problem(409, 'Adresse déjà inscrite (`email-already-registered`)'), 413: problem(413), 415: problem(415), 422: problem(422),
      },
    },
  }, async (request, reply) => {
    const creation = parseLegacyCreation(request.body, deps.plans);
    const { answer } = await deps.creation.create(actorOf(request), { creation, ip: request.ip });
    const username = creation.kind === 'trial' ? initialUsername(creation.input.prenom) : '';
    return reply.code(202).header('location', `/api/v1/deployments/${answer.deployment.id}`).header('deprecation', 'true')
      .send({ status: 'success', stack_name: answer.stack.name, credentials: { username }, ...answer });
  });

  app.get<{ Params: Static<typeof StackNameParams> }>('/stacks/:name/status', {
    config: { apiScope: 'stacks:read' },
    schema: {
      operationId: 'legacyGetStackStatus', tags, deprecated: true, security: security('stacks:read'),
      summary: 'État d’une instance (ancienne route, obsolète : GET /api/v1/stacks/{name}/status)',
      params: StackNameParams,
      response: { 200: json('L’état de l’instance', StackStatus), 400: problem(400), ...AUTH_PROBLEMS, 404: problem(404, 'Aucune instance de ce nom (`stack-not-found`)') },
    },
  }, async (request, reply) => reply.header('deprecation', 'true').send(await deps.stacks.status(actorOf(request), request.params.name)));
}
