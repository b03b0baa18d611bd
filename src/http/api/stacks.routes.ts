// /api/v1/stacks: thin handlers over the stacks use cases; the schemas say what goes in and out.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Static } from 'typebox';
import type { Plan } from '../../plans/plan.ts';
import type { StackOperation } from '../../provisioning/stack-operations.ts';
import { actorOf } from './api-auth.ts';
import { requestHash } from './idempotency.ts';
import { AUTH_PROBLEMS, CLIENT_ERASED, json, LOCATION_HEADER, problem, StackNameParams } from './schemas/common.schemas.ts';
import {
  CreateStackBody, IdempotencyHeaders, Stack, StackAccepted, type StackAcceptedView, StackList, StackListQuery, StackStatus,
} from './schemas/stacks.schemas.ts';
import { parseCreation, type StackCreation } from './stack-creation.service.ts';
import type { StacksApi } from './stacks-api.service.ts';

type NameParams = { Params: Static<typeof StackNameParams> };

export const security = (scope: string) => [{ apiKey: [scope] }];

/** 202 and where to follow the work: the deployment. */
export function accepted(reply: FastifyReply, answer: StackAcceptedView): FastifyReply {
  return reply.code(202).header('location', `/api/v1/deployments/${answer.deployment.id}`).send(answer);
}

const OPERATIONS: { path: string; kind: StackOperation; summary: string }[] = [
  { path: '/stacks/:name/suspend', kind: 'suspend', summary: 'Suspendre une instance (ses données sont gardées)' },
  { path: '/stacks/:name/resume', kind: 'resume', summary: 'Reprendre une instance suspendue' },
  { path: '/stacks/:name/redeploy', kind: 'redeploy', summary: 'Redéployer une instance (nouvelle définition, redémarrage)' },
];

export async function stacksRoutes(app: FastifyInstance, deps: { stacks: StacksApi; creation: StackCreation; plans: readonly Plan[] }): Promise<void> {
  const tags = ['Instances'];

  app.post<{ Body: CreateStackBody; Headers: Static<typeof IdempotencyHeaders> }>('/stacks', {
    config: { apiScope: 'stacks:write' },
    schema: {
      operationId: 'createStack', tags, security: security('stacks:write'),
      summary: 'Créer une instance (et son client)',
      description: 'Crée le client, son abonnement à l’essai de l’offre et son instance, comme le formulaire d’essai du site, ou l’instance '
        + 'd’un client existant (`clientId`). Répond 202 dès que la demande est enregistrée ; l’en-tête Location mène au déploiement '
        + 'à suivre. Les identifiants initiaux sont transmis une fois, par ce déploiement une fois réussi, à une clé qui a la portée secrets:read.',
      headers: IdempotencyHeaders, body: CreateStackBody,
      response: {
        202: json('Demande enregistrée : l’instance et son déploiement de création', StackAccepted, LOCATION_HEADER),
        400: problem(400), ...AUTH_PROBLEMS,
        409: problem(409, 'Adresse déjà inscrite (`email-already-registered`), client qui a déjà une instance (`client-has-stack`), autre offre en cours (`plan-mismatch`)'),
        410: CLIENT_ERASED, 413: problem(413), 415: problem(415),
        422: problem(422, 'Corps invalide (`validation-failed`), client ou offre inconnus (`unknown-client`, `unknown-plan`), clé d’idempotence réutilisée pour un autre corps (`idempotency-key-reused`)'),
      },
    },
  }, async (request, reply) => {
    const actor = actorOf(request);
    const key = request.headers['idempotency-key'];
    const idempotency = key ? { apiKeyId: actor.id, key, requestHash: requestHash('POST', request.routeOptions.url!, request.body) } : undefined;
    const creation = parseCreation(request.body, deps.plans);
    const { answer, replayed } = await deps.creation.create(actor, { creation, ip: request.ip, idempotency });
    if (replayed) reply.header('idempotent-replayed', 'true');
    return accepted(reply, answer);
  });

  app.get<{ Querystring: StackListQuery }>('/stacks', {
    config: { apiScope: 'stacks:read' },
    schema: {
      operationId: 'listStacks', tags, security: security('stacks:read'),
      summary: 'Lister les instances',
      description: 'Par ordre de création, par pages (curseur). Filtres : état observé, offre, recherche dans le nom de l’instance ou de l’entreprise.',
      querystring: StackListQuery,
      response: { 200: json('Une page d’instances', StackList), 400: problem(400), ...AUTH_PROBLEMS },
    },
  }, async (request) => deps.stacks.list(actorOf(request), request.query));

  app.get<NameParams>('/stacks/:name', {
    config: { apiScope: 'stacks:read' },
    schema: {
      operationId: 'getStack', tags, security: security('stacks:read'), summary: 'Lire une instance', params: StackNameParams,
      response: { 200: json('L’instance', Stack), 400: problem(400), ...AUTH_PROBLEMS, 404: problem(404, 'Aucune instance de ce nom (`stack-not-found`)') },
    },
  }, async (request) => deps.stacks.get(actorOf(request), request.params.name));

  app.get<NameParams>('/stacks/:name/status', {
    config: { apiScope: 'stacks:read' },
    schema: {
      operationId: 'getStackStatus', tags, security: security('stacks:read'),
      summary: 'État d’une instance',
      description: 'États voulu et observé, conteneurs vus par l’orchestrateur à l’instant, dernier contrôle de santé, adresse, opération en cours.',
      params: StackNameParams,
      response: { 200: json('L’état de l’instance', StackStatus), 400: problem(400), ...AUTH_PROBLEMS, 404: problem(404, 'Aucune instance de ce nom (`stack-not-found`)') },
    },
  }, async (request) => deps.stacks.status(actorOf(request), request.params.name));

  const operationResponses = {
    202: json('Opération enregistrée : l’instance et le déploiement qui la mène', StackAccepted, LOCATION_HEADER),
    400: problem(400), ...AUTH_PROBLEMS, 404: problem(404, 'Aucune instance de ce nom (`stack-not-found`)'),
    409: problem(409, 'Une opération est déjà en cours (`operation-in-progress`) ou l’état ne s’y prête pas (`invalid-state`)'),
  };
  for (const { path, kind, summary } of OPERATIONS) {
    app.post<NameParams>(path, {
      config: { apiScope: 'stacks:write' },
      schema: { operationId: `${kind}Stack`, tags, security: security('stacks:write'), summary, params: StackNameParams, response: operationResponses },
    }, async (request, reply) => accepted(reply, await deps.stacks.operate(actorOf(request), request.params.name, kind)));
  }

  app.delete<NameParams>('/stacks/:name', {
    config: { apiScope: 'stacks:write' },
    schema: {
      operationId: 'deleteStack', tags, security: security('stacks:write'),
      summary: 'Supprimer une instance et ses données', description: 'Irréversible : l’instance et sa base sont supprimées par un déploiement.',
      params: StackNameParams, response: operationResponses,
    },
  }, async (request, reply) => accepted(reply, await deps.stacks.operate(actorOf(request), request.params.name, 'delete')));
}
