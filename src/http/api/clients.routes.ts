// /api/v1/clients: thin handlers over the clients use cases (src/clients); the schemas say what goes in and out.
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { ClientAccounts } from '../../clients/client-accounts.service.ts';
import type { ClientErasureService } from '../../clients/client-erasure.service.ts';
import type { ClientExports } from '../../clients/client-export.service.ts';
import { actorOf } from './api-auth.ts';
import { clientErasureView, clientExportView, clientListView, clientQuotasView, clientView } from './client-views.ts';
import {
  Client, ClientErasure, ClientExport, ClientIdParams, ClientList, ClientListQuery, ClientQuotas, EXPORT_HEADERS, UpdateClientBody,
} from './schemas/clients.schemas.ts';
import { AUTH_PROBLEMS, CLIENT_ERASED, json, LOCATION_HEADER, problem } from './schemas/common.schemas.ts';
import { security } from './stacks.routes.ts';

type IdParams = { Params: Static<typeof ClientIdParams> };

const CLIENT_NOT_FOUND = problem(404, 'Aucun client de cet identifiant (`client-not-found`)');

export async function clientsRoutes(app: FastifyInstance, deps: { accounts: ClientAccounts; exports: ClientExports; erasure: ClientErasureService }): Promise<void> {
  const tags = ['Clients'];
  const read = { 400: problem(400), ...AUTH_PROBLEMS, 404: CLIENT_NOT_FOUND, 410: CLIENT_ERASED };

  app.get<{ Querystring: ClientListQuery }>('/clients', {
    config: { apiScope: 'clients:read' },
    schema: {
      operationId: 'listClients', tags, security: security('clients:read'),
      summary: 'Lister les clients',
      description: 'Par ordre d’inscription, par pages (curseur), avec leur abonnement en cours. Filtres : recherche (entreprise, nom, prénom, '
        + 'adresse e-mail), statut et offre de l’abonnement en cours. Les clients effacés n’y figurent plus.',
      querystring: ClientListQuery,
      response: { 200: json('Une page de clients', ClientList), 400: problem(400), ...AUTH_PROBLEMS },
    },
  }, async (request) => clientListView(await deps.accounts.list(actorOf(request), request.query)));

  app.get<IdParams>('/clients/:id', {
    config: { apiScope: 'clients:read' },
    schema: {
      operationId: 'getClient', tags, security: security('clients:read'),
      summary: 'Lire un client, ses abonnements et ses instances', params: ClientIdParams,
      response: { 200: json('Le client', Client), ...read },
    },
  }, async (request) => clientView(await deps.accounts.get(actorOf(request), request.params.id)));

  app.patch<IdParams & { Body: UpdateClientBody }>('/clients/:id', {
    config: { apiScope: 'clients:write' },
    schema: {
      operationId: 'updateClient', tags, security: security('clients:write'),
      summary: 'Modifier les coordonnées d’un client',
      description: 'Nom, prénom, entreprise, adresse e-mail, téléphone, effectif : seuls les champs envoyés changent. Chaque changement est '
        + 'inscrit au journal d’audit, avec la valeur avant et après.',
      params: ClientIdParams, body: UpdateClientBody,
      response: {
        200: json('Le client, modifié', Client), ...read,
        409: problem(409, 'Adresse e-mail déjà celle d’un autre client (`email-already-registered`)'),
        413: problem(413), 415: problem(415), 422: problem(422),
      },
    },
  }, async (request) => clientView(await deps.accounts.update(actorOf(request), request.params.id, request.body)));

  app.get<IdParams>('/clients/:id/export', {
    config: { apiScope: 'clients:read' },
    schema: {
      operationId: 'exportClient', tags, security: security('clients:read'),
      summary: 'Exporter toutes les données d’un client (RGPD)',
      description: 'Droit d’accès : un document JSON (en pièce jointe) avec toutes les données personnelles que la plateforme détient sur le '
        + 'client : coordonnées, consentements (date et adresse IP de l’acceptation des conditions générales de vente), abonnements, '
        + 'instances, déploiements, e-mails envoyés (objet et dates, jamais le contenu), relevés d’utilisation, messages du formulaire de contact, '
        + 'journal d’audit. Aucun secret (mot de passe, jeton) n’y figure. L’export est inscrit au journal d’audit.',
      params: ClientIdParams,
      response: { 200: json('Les données du client', ClientExport, EXPORT_HEADERS), ...read },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const document = clientExportView(await deps.exports.exportClient(actorOf(request), id));
    return reply.header('content-disposition', `attachment; filename="client-${id}.json"`).header('cache-control', 'no-store').send(document);
  });

  app.delete<IdParams>('/clients/:id', {
    config: { apiScope: 'clients:write' },
    schema: {
      operationId: 'eraseClient', tags, security: security('clients:write'),
      summary: 'Effacer un client (RGPD)',
      description: 'Droit à l’effacement, irréversible. Chaque instance du client est supprimée avec ses données, par un déploiement de '
        + 'suppression ; ses données personnelles sont anonymisées aussitôt, partout (nom, prénom, entreprise, adresse e-mail, téléphone, '
        + 'adresse IP du consentement, messages de contact, destinataires et contenu des e-mails). Le client et ses abonnements restent, '
        + 'anonymisés, pour la comptabilité (offres, prix, dates), avec la date de l’effacement ; le client répond ensuite 410 à toute '
        + 'autre route. Effacer de nouveau ne change rien de plus et répond de même (la suppression d’une instance en échec est redemandée).',
      params: ClientIdParams,
      response: {
        200: json('Client effacé, et plus aucune instance à supprimer', ClientErasure),
        202: json('Client effacé ; la suppression de ses instances est en cours (Location : le premier déploiement à suivre)', ClientErasure, LOCATION_HEADER),
        400: problem(400), ...AUTH_PROBLEMS, 404: CLIENT_NOT_FOUND,
        409: problem(409, 'Une autre opération est en cours sur une instance du client (`operation-in-progress`) : rien n’est effacé, réessayez une fois terminée'),
      },
    },
  }, async (request, reply) => {
    const erasure = await deps.erasure.erase(actorOf(request), request.params.id);
    const view = clientErasureView(erasure);
    if (erasure.inProgress === null) return reply.code(200).send(view);
    return reply.code(202).header('location', `/api/v1/deployments/${erasure.inProgress}`).send(view);
  });

  app.get<IdParams>('/clients/:id/quotas', {
    config: { apiScope: 'clients:read' },
    schema: {
      operationId: 'getClientQuotas', tags, security: security('clients:read'),
      summary: 'Utilisation des quotas d’un client',
      description: 'Pour les utilisateurs, les chantiers et le stockage : l’utilisation déclarée par l’instance à son dernier relevé, la limite '
        + 'de l’offre en cours, la part utilisée et l’état (ok, warning à 80 %, exceeded).',
      params: ClientIdParams,
      response: { 200: json('Les quotas du client', ClientQuotas), ...read },
    },
  }, async (request) => clientQuotasView(await deps.accounts.quotas(actorOf(request), request.params.id)));
}
