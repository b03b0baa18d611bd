// The demo ERP as a Fastify instance. Never listens: main.js (through start.ts) does, tests use inject() or port 0.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify';
import { accountRoutes, loginRoutes } from './auth/auth.routes.ts';
import { createSessionGuard } from './auth/guard.ts';
import type { PageEnv } from './auth/guard.ts';
import { cookieOptions } from './auth/session.ts';
import { chantiersRoutes } from './chantiers/chantiers.routes.ts';
import type { TenantConfig } from './config.ts';
import type { TenantDeps } from './deps.ts';
import { healthRoutes } from './health.routes.ts';
import { homeRoutes } from './home/home.routes.ts';
import type { TenantMessageKey } from './i18n/index.ts';
import { usersRoutes } from './users/users.routes.ts';
import { errorPage } from './views/error.views.ts';

/** The brand design system (shared with the public site) and the app's own stylesheet. */
const ASSET_ROOTS = [fileURLToPath(new URL('../design/', import.meta.url)), fileURLToPath(new URL('./assets/', import.meta.url))];

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export async function buildTenantApp(config: TenantConfig, deps: TenantDeps): Promise<FastifyInstance> {
  // pino's Logger and Fastify's logger interface differ only in generics.
  const app = Fastify({ loggerInstance: deps.log as FastifyBaseLogger, bodyLimit: 64 * 1024, return503OnClosing: true });
  const pageEnv: PageEnv = { company: config.clientName, secureCookies: config.secureCookies, platform: deps.platform };

  await app.register(fastifyCookie, { secret: config.secretKey });
  await app.register(fastifyFormbody);
  await app.register(fastifyCsrf, {
    cookieKey: 'erp_csrf',
    cookieOpts: cookieOptions(config.secureCookies),
    getToken: (request) => (request.body as { _csrf?: string } | undefined)?._csrf,
  });
  await app.register(fastifyStatic, {
    root: ASSET_ROOTS.filter((root) => existsSync(root)),
    prefix: '/assets/',
    index: false,
    allowedPath: (pathName) => /\.(css|svg|png|woff2?)$/.test(pathName),
  });

  addHooks(app, config, deps);
  setErrorHandling(app, config);

  await app.register(healthRoutes, { db: deps.pool, isBootstrapped: () => deps.bootstrap.done });
  await app.register(loginRoutes, { users: deps.users, pageEnv });
  await app.register(async (signedIn) => {
    signedIn.addHook('preHandler', createSessionGuard({ loadUser: deps.loadUser, secureCookies: config.secureCookies }));
    await signedIn.register(accountRoutes, { users: deps.users, pageEnv });
    await signedIn.register(homeRoutes, { config, platform: deps.platform, chantiers: deps.chantiers, pageEnv });
    await signedIn.register(chantiersRoutes, { chantiers: deps.chantiers, pageEnv });
    await signedIn.register(usersRoutes, { users: deps.users, pageEnv });
  });
  return app;
}

function addHooks(app: FastifyInstance, config: TenantConfig, deps: TenantDeps): void {
  // Until the schema and the first user exist, pages answer "starting" rather than failing on SQL.
  app.addHook('onRequest', async (request, reply) => {
    if (deps.bootstrap.done || request.url === '/health' || request.url.startsWith('/assets/')) return;
    return reply
      .code(503)
      .header('retry-after', '5')
      .type('text/html')
      .send(errorPage({ company: config.clientName, title: 'error.starting.title', text: 'error.starting.text' }));
  });

  // Every form post carries the CSRF token; checked before any handler (and before the session guard).
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return done();
    app.csrfProtection(request, reply, done);
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      reply.header('x-frame-options', 'DENY');
      reply.header('cache-control', 'no-store');
    }
    return payload;
  });
}

function setErrorHandling(app: FastifyInstance, config: TenantConfig): void {
  const page = (title: TenantMessageKey, text: TenantMessageKey) => errorPage({ company: config.clientName, title, text });

  app.setNotFoundHandler((_request, reply) => {
    return reply.code(404).type('text/html').send(page('error.notFound.title', 'error.notFound.text'));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.code === 'FST_CSRF_MISSING_SECRET' || error.code === 'FST_CSRF_INVALID_TOKEN') {
      return reply.code(403).type('text/html').send(page('error.csrf.title', 'error.csrf.text'));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      request.log.info({ code: error.code, status }, 'bad request');
      return reply.code(status).type('text/html').send(page('error.badRequest.title', 'error.badRequest.text'));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).type('text/html').send(page('error.server.title', 'error.server.text'));
  });
}
