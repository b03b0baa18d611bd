// The OpenAPI 3.1 document, generated from the route schemas (@fastify/swagger), served at
// /api/openapi.json, and its documentation page at /api/docs (@fastify/swagger-ui).
import swagger, { type SwaggerOptions } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export const TAGS = [
  { name: 'Instances', description: 'Les instances ERP BTP des clients : création, lecture, état, opérations.' },
  { name: 'Déploiements', description: 'Chaque opération sur une instance est un déploiement : ses étapes, ses évènements, sa relance.' },
  { name: 'Offres', description: 'Le catalogue des offres.' },
  { name: 'Clients', description: 'Les clients : coordonnées, abonnements, instances, quotas ; l’export et l’effacement de leurs données (RGPD).' },
  { name: 'Abonnements', description: 'L’abonnement en cours d’un client : changement d’offre, prolongation de l’essai, résiliation.' },
  { name: 'Ancienne API', description: 'Les deux routes du système d’origine, gardées comme alias des routes v1. Obsolètes.' },
];

export function swaggerOptions(publicUrl: string): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ERP BTP Cloud — API REST',
        version: '1.0.0',
        description: 'API des intégrations (facturation, CRM, scripts) : instances, déploiements, offres, clients et abonnements. Guide : docs/api.md. '
          + 'Authentification : `Authorization: Bearer <clé>`, clés créées dans l’administration (« Clés d’API »). '
          + 'Erreurs : RFC 9457 (application/problem+json) avec un `code` stable.',
        license: { name: 'Propriétaire', url: `${publicUrl}/cgv` },
        contact: { name: 'Exploitation ERP BTP', email: 'exploitation@erp-btp.fr' },
      },
      servers: [{ url: publicUrl, description: 'Cette plateforme' }],
      tags: TAGS,
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http', scheme: 'bearer', bearerFormat: 'ebk_<préfixe>_<secret>',
            description: 'Clé d’API. Portées : stacks:read, stacks:write, clients:read, clients:write, secrets:read, admin (toutes). '
              + 'La portée demandée par chaque opération figure dans son exigence de sécurité.',
          },
        },
      },
    },
    // Hidden routes (the document itself, the documentation page) stay out of it.
    hideUntagged: true,
  };
}

/**
 * The page's own policy, instead of the site's: Swagger UI needs data: images and fonts, and inserts one <style>
 * element of its own (allowed by its hash: the content is in @fastify/swagger-ui 6's bundle; the browser test of
 * test/integration/api/openapi.test.ts fails if an upgrade changes it). Its scripts are files: 'self' is enough.
 */
const SWAGGER_UI_STYLE = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";
const DOCS_CSP = {
  'default-src': ["'self'"], 'base-uri': ["'self'"], 'object-src': ["'none'"], 'frame-ancestors': ["'none'"], 'form-action': ["'self'"],
  'img-src': ["'self'", 'data:'], 'font-src': ["'self'", 'data:'], 'script-src': ["'self'"], 'style-src': ["'self'", SWAGGER_UI_STYLE],
};

export async function registerSwagger(app: FastifyInstance, publicUrl: string): Promise<void> {
  await app.register(swagger, swaggerOptions(publicUrl));
}

export async function docsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => reply.header('cache-control', 'no-cache').send(app.swagger()));
  await app.register(async (docs) => {
    await docs.register(swaggerUi, {
      routePrefix: '/docs',
      // The page's links are absolute: they need the prefix this plugin is mounted under.
      indexPrefix: '/api',
      uiConfig: { docExpansion: 'list', deepLinking: true },
      staticCSP: DOCS_CSP,
      theme: { title: 'ERP BTP Cloud — API REST' },
    });
  });
}
