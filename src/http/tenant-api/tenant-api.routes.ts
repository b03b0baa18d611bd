// The tenant API (DESIGN §8, docs/tenant-contract.md §4): ERP instances authenticate with their own TENANT_TOKEN.
// Refusals are RFC 9457 problems, rendered for every /api/ URL by src/http/errors.ts.
import { Ajv } from 'ajv';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.ts';
import type { QuotasService, TenantStack } from '../../quotas/quotas.service.ts';
import { QuotaCheckBody, QuotaCheckReply, UsageBody } from '../../quotas/quotas.schemas.ts';
import type { TenantSubscriptionService } from '../../subscriptions/tenant-subscription.service.ts';
import { replyProblem } from '../errors.ts';

function bearer(request: FastifyRequest): string | undefined {
  const match = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(request.headers.authorization ?? '');
  return match?.[1];
}

function unauthorized(request: FastifyRequest, reply: FastifyReply) {
  reply.header('www-authenticate', 'Bearer realm="tenant"').header('cache-control', 'no-store');
  return replyProblem(request, reply, { status: 401, code: 'unauthenticated', detail: t('tenantApi.unauthorized.detail') });
}

/** -1 = unlimited on the wire, as in the plans and the instance's QUOTA_* variables. */
const wire = (n: number | null) => n ?? -1;

export async function tenantApiRoutes(app: FastifyInstance, opts: { subscriptions: TenantSubscriptionService; quotas: QuotasService }) {
  // Fastify's default Ajv turns "5" into 5 and drops unknown properties: an ERP would never learn its body is
  // wrong. In this scope bodies are validated as written.
  const ajv = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: true });
  app.setValidatorCompiler(({ schema }) => ajv.compile(schema));

  app.get('/api/tenant/v1/subscription', async (request, reply) => {
    const token = bearer(request);
    const subscription = token ? await opts.subscriptions.getTenantSubscription(token) : undefined;
    if (!subscription) return unauthorized(request, reply);
    return reply.header('cache-control', 'no-store').send(subscription);
  });

  // The token is checked before the body is read: a caller without one learns nothing about the API.
  const tenants = new WeakMap<FastifyRequest, TenantStack>();
  async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    const token = bearer(request);
    const tenant = token ? await opts.quotas.authenticate(token) : undefined;
    if (!tenant) return unauthorized(request, reply);
    tenants.set(request, tenant);
  }
  const tenantOf = (request: FastifyRequest) => tenants.get(request)!;

  app.post<{ Body: QuotaCheckBody }>('/api/tenant/v1/quota-check', {
    onRequest: authenticate,
    schema: { body: QuotaCheckBody, response: { 200: QuotaCheckReply } },
  }, async (request, reply) => {
    const answer = opts.quotas.checkQuota(tenantOf(request), request.body.resource, request.body.current);
    return reply.header('cache-control', 'no-store').send({ ...answer, limit: wire(answer.limit), remaining: wire(answer.remaining) });
  });

  app.put<{ Body: UsageBody }>('/api/tenant/v1/usage', {
    onRequest: authenticate,
    schema: { body: UsageBody },
  }, async (request, reply) => {
    const tenant = tenantOf(request);
    const { stored, warned } = await opts.quotas.recordUsage(tenant, request.body);
    request.log.debug({ stackId: tenant.stackId, stored, warned }, 'usage reported');
    return reply.code(204).send();
  });
}
