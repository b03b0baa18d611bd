// The REST API under /api: the OpenAPI document and its page (public), then every API route behind one
// guard (API key and scope), a rate limit per key, and strict validation of what comes in.
import rateLimit from '@fastify/rate-limit';
import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';
import type { ApiKeysService } from '../../api-keys/api-keys.service.ts';
import type { ClientAccounts } from '../../clients/client-accounts.service.ts';
import type { ClientErasureService } from '../../clients/client-erasure.service.ts';
import type { ClientExports } from '../../clients/client-export.service.ts';
import type { ClientSubscriptions } from '../../clients/client-subscriptions.service.ts';
import { AppError } from '../../errors.ts';
import { t } from '../../i18n/index.ts';
import type { Plan } from '../../plans/plan.ts';
import type { DeploymentEventsHub } from '../../provisioning/deployment-events-hub.ts';
import { apiGuard } from './api-auth.ts';
import { clientsRoutes } from './clients.routes.ts';
import type { DeploymentsApi } from './deployments-api.service.ts';
import { deploymentsRoutes } from './deployments.routes.ts';
import { legacyRoutes } from './legacy.routes.ts';
import { docsRoutes, registerSwagger } from './openapi.ts';
import { plansRoutes } from './plans.routes.ts';
import type { StackCreation } from './stack-creation.service.ts';
import type { StacksApi } from './stacks-api.service.ts';
import { stacksRoutes } from './stacks.routes.ts';
import { subscriptionsRoutes } from './subscriptions.routes.ts';

export interface ApiDeps {
  keys: Pick<ApiKeysService, 'check'>;
  stacks: StacksApi;
  creation: StackCreation;
  deployments: DeploymentsApi;
  clients: { accounts: ClientAccounts; exports: ClientExports; erasure: ClientErasureService; subscriptions: ClientSubscriptions };
  plans: readonly Plan[];
  hub: DeploymentEventsHub;
  /** Requests per key per minute (API_RATE_LIMIT). */
  rateLimitPerMinute: number;
  publicUrl: string;
}

/**
 * Bodies are checked as written: no type coercion, no unknown field silently dropped (a client would never learn
 * its body is wrong). Path, query and headers are text on the wire, so they are coerced to their declared types.
 */
function strictValidation(app: FastifyInstance): void {
  const body = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: true, strict: false });
  const text = new Ajv({ coerceTypes: 'array', removeAdditional: false, useDefaults: true, allErrors: true, strict: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema));
  // JSON only: a form or plain-text body is a 415, not a string the schema then refuses.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, app.getDefaultJsonParser('error', 'error'));
}

export async function apiPlugin(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  await registerSwagger(app, deps.publicUrl);
  await app.register(docsRoutes);

  await app.register(async (api) => {
    strictValidation(api);
    apiGuard(api, deps.keys);
    // Keyed on the API key (the guard runs first). The default store is this process's memory: with several web
    // processes each counts its own share, which is acceptable for a rate limit (it bounds load, it is not a quota).
    await api.register(rateLimit, {
      max: deps.rateLimitPerMinute,
      timeWindow: 60_000,
      keyGenerator: (request) => (request.apiKey ? `key:${request.apiKey.id}` : `ip:${request.ip}`),
      errorResponseBuilder: (_request, context) =>
        new AppError(429, 'rate-limited', t('api.error.rateLimited', { max: context.max, seconds: Math.max(1, Math.ceil(context.ttl / 1000)) })),
    });
    await api.register(async (v1) => {
      await v1.register(stacksRoutes, { stacks: deps.stacks, creation: deps.creation, plans: deps.plans });
      await v1.register(deploymentsRoutes, { deployments: deps.deployments, hub: deps.hub });
      await v1.register(plansRoutes, { plans: deps.plans });
      await v1.register(clientsRoutes, deps.clients);
      await v1.register(subscriptionsRoutes, deps.clients);
    }, { prefix: '/v1' });
    await api.register(legacyRoutes, { stacks: deps.stacks, creation: deps.creation, plans: deps.plans });
  });
}
