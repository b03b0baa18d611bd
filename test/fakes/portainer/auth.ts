// Portainer's authentication (reference §2): login → HS256 JWT (also set as the `portainer_api_key` cookie),
// API keys in X-API-Key (only their SHA-256 kept), the bouncer's 401/403 answers, CSRF on cookie-authenticated
// writes, and the login rate limiter (token bucket per IP, then a ban). A restart changes the signing key.
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { cookie, header, parseJsonObject, readBody, sendError, sendJson, stringField } from './http-io.ts';
import type { RequestContext, Route } from './router.ts';
import type { FakeState, FakeUser } from './state.ts';

export interface RateLimit {
  burst: number;
  refillPerSecond: number;
  banMs: number;
}

export interface AuthSettings {
  jwtLifetimeMs: number;
  rateLimit: RateLimit | false;
}

export type Authentication =
  | { ok: true; user: FakeUser; via: 'api-key' | 'jwt' | 'cookie' }
  | { ok: false; status: number; message: string; details: string }
  | { ok: false; status: 403; csrf: string };

interface Bucket {
  tokens: number;
  updatedAt: number;
  bannedUntil: number;
}

const COOKIE = 'portainer_api_key';

function hashApiKey(raw: string): string {
  return createHash('sha256').update(raw).digest('hex');
}

export function createAuth(state: FakeState, settings: AuthSettings) {
  let signingKey = randomBytes(32);
  const revoked = new Set<string>();
  const buckets = new Map<string, Bucket>();
  const csrfToken = randomBytes(24).toString('base64url');
  let nextKeyId = 1;

  function sign(user: FakeUser): string {
    const now = Date.now();
    const claims = { id: user.id, username: user.username, role: user.role, scope: 'default', forceChangePassword: false, jti: randomUUID(), iat: Math.floor(now / 1000), exp: (now + settings.jwtLifetimeMs) / 1000 };
    const body = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`;
    return `${body}.${createHmac('sha256', signingKey).update(body).digest('base64url')}`;
  }

  function verify(token: string): { user: FakeUser; jti: string; exp: number } | null {
    const [head, payload, signature] = token.split('.');
    if (!head || !payload || !signature) return null;
    const expected = createHmac('sha256', signingKey).update(`${head}.${payload}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let claims: { id?: number; jti?: string; exp?: number };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return null;
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now() || !claims.jti || revoked.has(claims.jti)) return null;
    const user = state.users.find((u) => u.id === claims.id);
    return user ? { user, jti: claims.jti, exp: claims.exp } : null;
  }

  /** One attempt against the IP's bucket; false once it is empty (the IP is then banned). */
  function allowAttempt(ip: string): boolean {
    if (!settings.rateLimit) return true;
    const { burst, refillPerSecond, banMs } = settings.rateLimit;
    const now = Date.now();
    const bucket = buckets.get(ip) ?? { tokens: burst, updatedAt: now, bannedUntil: 0 };
    buckets.set(ip, bucket);
    if (bucket.bannedUntil > now) return false;
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * refillPerSecond);
    bucket.updatedAt = now;
    if (bucket.tokens < 1) {
      bucket.bannedUntil = now + banMs;
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }

  function authenticate(req: IncomingMessage): Authentication {
    const apiKey = header(req, 'x-api-key');
    const authorization = header(req, 'authorization');
    const session = cookie(req, COOKIE);
    if (apiKey !== undefined && authorization !== undefined) {
      const message = 'api key and auth header are not allowed at the same time';
      return { ok: false, status: 403, message, details: message };
    }
    if (session !== undefined && !['GET', 'HEAD', 'OPTIONS', 'TRACE'].includes(req.method ?? 'GET')) {
      const sent = header(req, 'x-csrf-token');
      if (sent === undefined) return { ok: false, status: 403, csrf: 'Forbidden - CSRF token not found in request' };
      if (sent !== csrfToken) return { ok: false, status: 403, csrf: 'Forbidden - CSRF token invalid' };
    }
    const invalid = { ok: false, status: 401, message: 'Invalid JWT token', details: 'Unauthorized' } as const;
    if (apiKey !== undefined) {
      const user = state.users.find((u) => u.id === state.apiKeys.get(hashApiKey(apiKey)));
      return user ? { ok: true, user, via: 'api-key' } : invalid;
    }
    if (session !== undefined) {
      const verified = verify(session);
      return verified ? { ok: true, user: verified.user, via: 'cookie' } : invalid;
    }
    if (authorization !== undefined) {
      const verified = verify(authorization.replace(/^Bearer /, ''));
      return verified ? { ok: true, user: verified.user, via: 'jwt' } : invalid;
    }
    return { ok: false, status: 401, message: 'A valid authorization token is missing', details: 'Unauthorized' };
  }

  function clientIp(req: IncomingMessage): string {
    return req.socket.remoteAddress ?? 'unknown';
  }

  const login: Route = {
    method: 'POST',
    pattern: '/api/auth',
    public: true,
    async handle({ req, res }) {
      const raw = await readBody(req);
      if (!allowAttempt(clientIp(req))) return sendError(res, 403, 'Access denied', 'Access denied to resource');
      const body = parseJsonObject(raw);
      const username = body ? stringField(body, 'username') : '';
      const password = body ? stringField(body, 'password') : '';
      if (!username) return sendError(res, 400, 'Invalid request payload', 'Invalid username');
      if (!password) return sendError(res, 400, 'Invalid request payload', 'Invalid password');
      const user = state.users.find((u) => u.username === username);
      if (!user || user.password !== password) return sendError(res, 422, 'Invalid credentials', 'Unauthorized');
      const jwt = sign(user);
      const expires = new Date(Date.now() + settings.jwtLifetimeMs).toUTCString();
      sendJson(res, 200, { jwt }, { 'Set-Cookie': `${COOKIE}=${jwt}; Path=/; Expires=${expires}; HttpOnly; SameSite=Strict` });
    },
  };

  const logout: Route = {
    method: 'POST',
    pattern: '/api/auth/logout',
    handle({ req, res }) {
      const token = cookie(req, COOKIE) ?? header(req, 'authorization')?.replace(/^Bearer /, '');
      const verified = token ? verify(token) : null;
      if (verified) revoked.add(verified.jti);
      res.writeHead(204, { 'Set-Cookie': `${COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict` });
      res.end();
    },
  };

  const createToken: Route = {
    method: 'POST',
    pattern: '/api/users/:id/tokens',
    async handle(ctx: RequestContext) {
      const { req, res, params, user, via } = ctx;
      const raw = await readBody(req);
      if (via === 'api-key') return sendError(res, 401, 'Auth not supported', 'Unauthorized');
      if (!allowAttempt(clientIp(req))) return sendError(res, 403, 'Access denied', 'Access denied to resource');
      const body = parseJsonObject(raw);
      const description = body ? stringField(body, 'description') : '';
      if (!description.trim() || description.length > 128) return sendError(res, 400, 'Invalid request payload', 'Invalid description');
      if (Number(params.id) !== user!.id) return sendError(res, 403, 'Permission denied to create user access token', 'Unauthorized');
      if (stringField(body!, 'password') !== user!.password) return sendError(res, 403, 'Invalid password', "Current password doesn't match");
      const rawKey = `ptr_${randomBytes(32).toString('base64url')}`;
      state.apiKeys.set(hashApiKey(rawKey), user!.id);
      const apiKey = { id: nextKeyId++, userId: user!.id, description, prefix: rawKey.slice(0, 7), dateCreated: Math.floor(Date.now() / 1000), lastUsed: 0 };
      sendJson(res, 201, { rawAPIKey: rawKey, apiKey });
    },
  };

  return {
    routes: [login, logout, createToken],
    authenticate,
    csrfToken,
    /** Accepts `raw` as an API key of `userId`, as if it had been created through the API. */
    addApiKey(userId: number, raw: string): void {
      state.apiKeys.set(hashApiKey(raw), userId);
    },
    /** A restarted Portainer has a new signing key: every JWT dies, API keys live on; bans are in memory too. */
    restart(): void {
      signingKey = randomBytes(32);
      revoked.clear();
      buckets.clear();
    },
  };
}

function b64(text: string): string {
  return Buffer.from(text).toString('base64url');
}
