// The HTTP application: plugins, then the product's pages and APIs. Built from its
// dependencies and never listens by itself, so tests drive it with `inject` or on port 0.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import staticFiles from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyContextConfig, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { ContactService } from '../contact/contact.service.ts';
import { contactPages } from '../contact/contact.pages.ts';
import type { Plan } from '../plans/plan.ts';
import type { DeploymentEventsHub } from '../provisioning/deployment-events-hub.ts';
import type { TrackingService } from '../provisioning/tracking.service.ts';
import type { QuotasService } from '../quotas/quotas.service.ts';
import { trackingPages } from '../provisioning/tracking.pages.ts';
import type { SignupService } from '../signup/signup.service.ts';
import { signupPages } from '../signup/signup.pages.ts';
import type { TenantSubscriptionService } from '../subscriptions/tenant-subscription.service.ts';
import { adminPlugin, type AdminDeps } from './admin/admin.plugin.ts';
import { apiPlugin, type ApiDeps } from './api/api.plugin.ts';
import { handleError, registerErrorHandlers } from './errors.ts';
import { healthRoutes, type Readiness } from './health.routes.ts';
import { metricsRoutes } from './metrics.routes.ts';
import type { PlatformMetrics } from '../metrics/metrics.ts';
import fastifyPlugin from 'fastify-plugin';
import { pagesRoutes } from './public/pages.routes.ts';
import { tenantApiRoutes } from './tenant-api/tenant-api.routes.ts';

export interface RouteInfo {
  method: string;
  url: string;
  config: FastifyContextConfig;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteInfo[];
  }
}

export interface AppDeps {
  config: Pick<Config, 'trustProxy'>;
  log: Logger;
  plans: readonly Plan[];
  signup: SignupService;
  contact: ContactService;
  tracking: TrackingService;
  deploymentEvents: DeploymentEventsHub;
  tenantSubscriptions: TenantSubscriptionService;
  quotas: QuotasService;
  readiness: () => Promise<Readiness>;
  admin: AdminDeps;
  metrics: PlatformMetrics;
  metricsToken: string | undefined;
  /** The REST API (/api/v1, its OpenAPI document and documentation page). */
  api: ApiDeps;
}

const DESIGN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../design');

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    trustProxy: deps.config.trustProxy,
    // Forms are small: anything bigger is refused with a 413 before it is parsed.
    bodyLimit: 64 * 1024,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true },
    // A malformed or over-long URL is refused before any route: answered like any other error (page or problem+json).
    frameworkErrors: (error, request, reply) => handleError(error, request, reply),
  });
  // The route table, with each route's access rules: the dashboard's access test walks every route from it.
  const routeTable: RouteInfo[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routeTable.push({ method, url: route.url, config: route.config ?? {} });
  });
  app.decorate('routeTable', routeTable);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"], frameAncestors: ["'none'"], upgradeInsecureRequests: null,
      },
    },
    // The site is served over plain HTTP in the embedded default; HSTS belongs to the TLS proxy.
    strictTransportSecurity: false,
  });
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(cookie);
  await app.register(csrf, { cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true }, getToken: (req) => (req.body as { _csrf?: string } | undefined)?._csrf });
  await app.register(staticFiles, { root: DESIGN_DIR, prefix: '/assets/', maxAge: '1h', immutable: false });

  registerErrorHandlers(app);
  await app.register(fastifyPlugin(metricsRoutes), { metrics: deps.metrics, token: deps.metricsToken });
  await app.register(healthRoutes, { readiness: deps.readiness });
  await app.register(pagesRoutes, { plans: [...deps.plans] });
  await app.register(signupPages, { signup: deps.signup, plans: deps.plans });
  await app.register(contactPages, { contact: deps.contact });
  await app.register(trackingPages, { tracking: deps.tracking, hub: deps.deploymentEvents });
  await app.register(tenantApiRoutes, { subscriptions: deps.tenantSubscriptions, quotas: deps.quotas });
  await app.register(apiPlugin, { prefix: '/api', ...deps.api });
  await app.register(adminPlugin, { prefix: '/admin', ...deps.admin });
  return app;
}
