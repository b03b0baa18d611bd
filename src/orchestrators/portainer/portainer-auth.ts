// Credentials for Portainer (reference §2, §9 pitfalls 1-4): an API key in X-API-Key, or a JWT from
// POST /api/auth, cached, shared by concurrent callers and renewed once after a 401 (JWTs die after 8 h and on
// every Portainer restart). Never both headers, never a cookie. Logins are spaced by `loginIntervalMs`, so even a
// failing loop stays far below Portainer's limiter (burst 10, 1/s), whose penalty is a one-hour IP ban.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { createHttpTransport } from './http-transport.ts';
import { json } from './portainer-client.ts';
import { describeErrorBody, isTransientStatus, PortainerError } from './portainer-errors.ts';

type Transport = Pick<ReturnType<typeof createHttpTransport>, 'send'>;

export type Credentials = { apiKey: string } | { username: string; password: string };

export interface Authorization {
  headers: Record<string, string>;
  /** The JWT these headers carry, to renew exactly it after a 401; null with an API key. */
  jwt: string | null;
}

export function createPortainerAuth(options: { transport: Transport; credentials: Credentials; loginIntervalMs: number; timeoutMs: number; log: Logger }) {
  const { credentials, transport, log } = options;
  let jwt: string | null = null;
  let pendingLogin: Promise<string> | null = null;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let logins = 0;

  async function login(username: string, password: string): Promise<string> {
    const wait = lastAttemptAt + options.loginIntervalMs - Date.now();
    if (wait > 0) await sleep(wait);
    lastAttemptAt = Date.now();
    logins++;
    const reply = await transport.send({
      method: 'POST',
      path: '/api/auth',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ username, password }),
      timeoutMs: options.timeoutMs,
    });
    const token = reply.status === 200 ? json<{ jwt?: unknown }>(reply).jwt : undefined;
    if (typeof token === 'string' && token) {
      log.info({ username }, 'logged in to Portainer');
      return token;
    }
    const reason = describeErrorBody(reply.body);
    const hint =
      reply.status === 422 ? ': check PORTAINER_USERNAME and PORTAINER_PASSWORD' : reply.status === 403 ? ': Portainer rate-limits logins per IP and bans for an hour' : '';
    throw new PortainerError(`Portainer login as ${username} refused: ${reply.status} ${reason}${hint}`, {
      status: reply.status,
      kind: 'http',
      transient: isTransientStatus(reply.status),
    });
  }

  return {
    /** Number of logins sent to Portainer since start. */
    logins: () => logins,

    async authorization(): Promise<Authorization> {
      if ('apiKey' in credentials) return { headers: { 'X-API-Key': credentials.apiKey }, jwt: null };
      if (jwt) return { headers: { Authorization: `Bearer ${jwt}` }, jwt };
      // Concurrent callers share one login.
      pendingLogin ??= login(credentials.username, credentials.password).finally(() => (pendingLogin = null));
      const token = await pendingLogin;
      jwt = token;
      return { headers: { Authorization: `Bearer ${token}` }, jwt: token };
    },

    /** After a 401: forgets the JWT (unless another caller already renewed it); true if a new login may help. */
    rejected(authorization: Authorization): boolean {
      if (authorization.jwt === null) return false;
      if (jwt === authorization.jwt) jwt = null;
      return true;
    },
  };
}

export type PortainerAuth = ReturnType<typeof createPortainerAuth>;
