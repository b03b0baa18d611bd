// /api/v1/deployments: one deployment with its steps, its events (JSON or a live stream), its retry.
import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import type { DeploymentEventsHub } from '../../provisioning/deployment-events-hub.ts';
import { actorOf } from './api-auth.ts';
import type { DeploymentsApi } from './deployments-api.service.ts';
import { streamDeploymentEvents } from './event-stream.ts';
import { AUTH_PROBLEMS, DeploymentIdParams, json, LOCATION_HEADER, problem } from './schemas/common.schemas.ts';
import { Deployment, DeploymentEvents, DeploymentEventsQuery, EVENT_STREAM_DESCRIPTION } from './schemas/deployments.schemas.ts';
import { StackAccepted } from './schemas/stacks.schemas.ts';
import { accepted, security } from './stacks.routes.ts';

type IdParams = { Params: Static<typeof DeploymentIdParams> };
const NOT_FOUND = problem(404, 'Aucun déploiement de cet identifiant (`deployment-not-found`)');

export async function deploymentsRoutes(app: FastifyInstance, deps: { deployments: DeploymentsApi; hub: DeploymentEventsHub }): Promise<void> {
  const tags = ['Déploiements'];
  // Open streams never end by themselves: a closing server ends them, or it would wait forever.
  const openStreams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const close of openStreams) close();
  });

  app.get<IdParams>('/deployments/:id', {
    config: { apiScope: 'stacks:read' },
    schema: {
      operationId: 'getDeployment', tags, security: security('stacks:read'),
      summary: 'Lire un déploiement et ses étapes',
      description: 'Pour une instance créée par l’API, la première lecture du déploiement de création réussi par une clé qui a la portée '
        + 'secrets:read contient `credentials` (identifiants initiaux) ; jamais les suivantes.',
      params: DeploymentIdParams,
      response: { 200: json('Le déploiement', Deployment), 400: problem(400), ...AUTH_PROBLEMS, 404: NOT_FOUND },
    },
  }, async (request, reply) => reply.header('cache-control', 'no-store').send(await deps.deployments.get(actorOf(request), request.params.id)));

  app.get<IdParams & { Querystring: DeploymentEventsQuery }>('/deployments/:id/events', {
    config: { apiScope: 'stacks:read' },
    schema: {
      operationId: 'listDeploymentEvents', tags, security: security('stacks:read'),
      summary: 'Évènements d’un déploiement', description: `En JSON par défaut. ${EVENT_STREAM_DESCRIPTION}`,
      params: DeploymentIdParams, querystring: DeploymentEventsQuery,
      response: {
        200: {
          description: 'Les évènements, du plus ancien au plus récent',
          content: {
            'application/json': { schema: DeploymentEvents },
            'text/event-stream': { schema: Type.String({ description: EVENT_STREAM_DESCRIPTION }) },
          },
        },
        400: problem(400), ...AUTH_PROBLEMS, 404: NOT_FOUND,
      },
    },
  }, async (request, reply) => {
    const actor = actorOf(request);
    const { id } = request.params;
    const first = await deps.deployments.events(actor, id, request.query.after ?? 0);
    if (!/\btext\/event-stream\b/.test(request.headers.accept ?? '')) return first;
    const lastEventId = Number(request.headers['last-event-id']);
    const after = Number.isSafeInteger(lastEventId) && lastEventId >= 0 ? lastEventId : request.query.after ?? 0;
    return streamDeploymentEvents(request, reply, { deploymentId: id, read: (from) => deps.deployments.events(actor, id, from) }, after, { hub: deps.hub, openStreams });
  });

  app.post<IdParams>('/deployments/:id/retry', {
    config: { apiScope: 'stacks:write' },
    schema: {
      operationId: 'retryDeployment', tags, security: security('stacks:write'),
      summary: 'Relancer un déploiement en échec', description: 'Ses étapes reprennent (chacune vérifie ce qui est déjà fait).',
      params: DeploymentIdParams,
      response: {
        202: json('Relance enregistrée', StackAccepted, LOCATION_HEADER), 400: problem(400), ...AUTH_PROBLEMS, 404: NOT_FOUND,
        409: problem(409, 'Le déploiement n’est pas en échec (`deployment-not-failed`)'),
      },
    },
  }, async (request, reply) => accepted(reply, await deps.deployments.retry(actorOf(request), request.params.id)));
}
