// /api/v1/subscriptions: the change of a client's current subscription (src/clients/client-subscriptions.service.ts).
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { ClientSubscriptions } from '../../clients/client-subscriptions.service.ts';
import { actorOf } from './api-auth.ts';
import { subscriptionView } from './client-views.ts';
import { AUTH_PROBLEMS, CLIENT_ERASED, json, problem } from './schemas/common.schemas.ts';
import { Subscription, SubscriptionIdParams, UpdateSubscriptionBody } from './schemas/subscriptions.schemas.ts';
import { security } from './stacks.routes.ts';

export async function subscriptionsRoutes(app: FastifyInstance, deps: { subscriptions: ClientSubscriptions }): Promise<void> {
  app.patch<{ Params: Static<typeof SubscriptionIdParams>; Body: UpdateSubscriptionBody }>('/subscriptions/:id', {
    config: { apiScope: 'clients:write' },
    schema: {
      operationId: 'updateSubscription', tags: ['Abonnements'], security: security('clients:write'),
      summary: 'Changer d’offre, prolonger l’essai ou résilier',
      description: 'Une seule modification par requête, sur l’abonnement en cours du client : `{"plan": "pro"}` change d’offre (une offre '
        + 'payante convertit l’essai ; l’instance est redéployée avec les nouvelles limites, ou reprise si elle était suspendue), '
        + '`{"extendTrialDays": 15}` prolonge l’essai de 1 à 90 jours (l’instance d’un essai expiré est reprise ; demande aussi la portée '
        + 'stacks:write), `{"status": "cancelled"}` résilie (l’instance est suspendue, ses données gardées). Le déploiement qui s’ensuit '
        + 'se suit par GET /api/v1/stacks/{name}/status. Chaque changement est inscrit au journal d’audit.',
      params: SubscriptionIdParams, body: UpdateSubscriptionBody,
      response: {
        200: json('L’abonnement, modifié', Subscription),
        400: problem(400), ...AUTH_PROBLEMS,
        403: problem(403, 'La clé n’a pas la portée demandée (`insufficient-scope`) ; prolonger un essai demande aussi stacks:write'),
        404: problem(404, 'Aucun abonnement de cet identifiant (`subscription-not-found`)'),
        409: problem(409, 'Abonnement terminé (`subscription-ended`), essai à prolonger absent (`not-trialing`), offre déjà en cours (`same-plan`), '
          + 'abonnement déjà résilié (`already-cancelled`)'),
        410: CLIENT_ERASED, 413: problem(413), 415: problem(415),
        422: problem(422, 'Corps invalide : aucune ou plusieurs modifications, valeur hors limites (`validation-failed`), offre inconnue (`unknown-plan`)'),
      },
    },
  }, async (request) => subscriptionView(await deps.subscriptions.change(actorOf(request), request.params.id, request.body)));
}
