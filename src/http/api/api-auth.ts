// Who calls the API: one guard for every API route, before anything is parsed or read. No key, an
// unknown, expired or revoked one → 401; a key without the route's scope → 403 (RFC 6750 challenges).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeysService } from '../../api-keys/api-keys.service.ts';
import type { Actor } from '../../audit/actor.ts';
import type { ApiScope } from '../../db/schema.ts';
import { t } from '../../i18n/index.ts';
import { hasScope } from '../../staff/access.ts';
import { replyProblem } from '../errors.ts';

export type ApiKeyActor = Extract<Actor, { type: 'api_key' }>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope an API route needs; `any`: any valid key. Every API route names one. */
    apiScope?: ApiScope | 'any';
  }
  interface FastifyRequest {
    /** The API key of the request, set by the API guard. */
    apiKey?: ApiKeyActor;
  }
}

const REFUSAL = { unknown: 'invalid-key', expired: 'key-expired', revoked: 'key-revoked' } as const;

function unauthorized(request: FastifyRequest, reply: FastifyReply, code: string): FastifyReply {
  const error = code === 'unauthenticated' ? '' : ', error="invalid_token"';
  return replyProblem(request, reply.header('www-authenticate', `Bearer realm="api"${error}`), { status: 401, code });
}

export function actorOf(request: FastifyRequest): ApiKeyActor {
  return request.apiKey!;
}

/** Installs the guard on this scope's routes; a route without `apiScope` is a programming error, refused at boot. */
export function apiGuard(app: FastifyInstance, keys: Pick<ApiKeysService, 'check'>): void {
  app.addHook('onRoute', (route) => {
    if (!route.config?.apiScope) throw new Error(`API route ${route.method} ${route.url} declares no apiScope`);
  });
  app.addHook('onRequest', async (request, reply) => {
    const scope = request.routeOptions.config.apiScope ?? 'admin';
    const match = /^Bearer +(\S{1,200})$/i.exec(request.headers.authorization ?? '');
    if (!match) return unauthorized(request, reply, 'unauthenticated');
    const result = await keys.check(match[1]!);
    if (result.status !== 'valid') {
      request.log.info({ refusal: result.status }, 'API key refused');
      return unauthorized(request, reply, REFUSAL[result.status]);
    }
    const { id, name, scopes } = result.key;
    request.apiKey = { type: 'api_key', id, label: name, scopes, ip: request.ip };
    request.log.debug({ apiKeyId: id }, 'API key accepted');
    if (scope !== 'any' && !hasScope(scopes, scope)) {
      request.log.info({ apiKeyId: id, scope }, 'API key lacks scope');
      return replyProblem(request, reply.header('www-authenticate', `Bearer realm="api", error="insufficient_scope", scope="${scope}"`), {
        status: 403, code: 'insufficient-scope', detail: t('api.error.insufficientScope', { scope }),
      });
    }
  });
}
