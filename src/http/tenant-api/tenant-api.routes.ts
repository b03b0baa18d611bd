// The tenant API (DESIGN §8): ERP instances authenticate with their own TENANT_TOKEN.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.ts';
import type { TenantSubscriptionService } from '../../subscriptions/tenant-subscription.service.ts';

function bearer(request: FastifyRequest): string | undefined {
  const match = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(request.headers.authorization ?? '');
  return match?.[1];
}

function unauthorized(request: FastifyRequest, reply: FastifyReply) {
  return reply.code(401).header('www-authenticate', 'Bearer realm="tenant"').type('application/problem+json').send({
    type: 'about:blank', title: t('tenantApi.unauthorized.title'), status: 401, detail: t('tenantApi.unauthorized.detail'), instance: request.url,
  });
}

export async function tenantApiRoutes(app: FastifyInstance, opts: { subscriptions: TenantSubscriptionService }) {
  app.get('/api/tenant/v1/subscription', async (request, reply) => {
    const token = bearer(request);
    const subscription = token ? await opts.subscriptions.getTenantSubscription(token) : undefined;
    if (!subscription) return unauthorized(request, reply);
    return reply.header('cache-control', 'no-store').send(subscription);
  });
}
