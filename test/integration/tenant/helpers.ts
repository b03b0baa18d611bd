// Helpers for the demo ERP's tests: an instance on its own database with captured logs, a fake
// control plane (a real HTTP server), and a cookie-keeping client over app.inject().
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before } from 'node:test';
import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { LightMyRequestResponse } from 'fastify';
import { buildTenantApp } from '../../../tenant/app.ts';
import { parseTenantConfig } from '../../../tenant/config.ts';
import type { TenantConfig } from '../../../tenant/config.ts';
import { createTenantDeps } from '../../../tenant/deps.ts';
import type { TenantDeps, TenantDepsOptions } from '../../../tenant/deps.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import type { TestDatabase } from '../../helpers/database.ts';

export const SECRET_KEY = 'k'.repeat(8) + 'SecretKeyThatMustNeverBeLogged-42';
export const INITIAL_USERNAME = 'jean.dupont';
export const INITIAL_PASSWORD = 'Initial-Pass-7xq';
export const TENANT_TOKEN = 'tt_TenantTokenNeverInLogs_9f8e7d';

export function tenantEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    SECRET_KEY,
    INITIAL_USERNAME,
    INITIAL_PASSWORD,
    CLIENT_ID: '42',
    CLIENT_NAME: 'Maçonnerie Dupont & Fils',
    CLIENT_NUMBER: 'CLI-0042',
    PLAN: 'essai',
    LOG_LEVEL: 'debug',
    ...extra,
  };
}

export interface TestTenant {
  app: FastifyInstance;
  deps: TenantDeps;
  config: TenantConfig;
  databaseUrl: string;
  logs: () => string;
  /** Builds another app (another process, as after a restart) on the same database. */
  restart(extra?: Record<string, string>): Promise<TestTenant>;
}

/** An empty database of its own, dropped when `t` ends (a test, or a suite's `after`). */
export async function testDatabase(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const database = await createTestDatabase({ migrated: false });
  t.after(() => database.drop());
  return database.url;
}

/** One empty database shared by the tests of a suite: call at the suite's top level. */
export function suiteDatabase(): { readonly url: string } {
  let database: TestDatabase | undefined;
  before(async () => {
    database = await createTestDatabase({ migrated: false });
  });
  after(async () => {
    await database?.drop();
  });
  return {
    get url() {
      if (!database) throw new Error('suiteDatabase() used before its before() hook ran');
      return database.url;
    },
  };
}

export async function startTenant(
  t: TestContext | { after: TestContext['after'] },
  databaseUrl: string,
  extra: Record<string, string> = {},
  options: TenantDepsOptions = {},
): Promise<TestTenant> {
  const lines: string[] = [];
  const logDestination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const config = parseTenantConfig(tenantEnv(databaseUrl, extra));
  const deps = createTenantDeps(config, { logDestination, ...options });
  await deps.bootstrap.run({ retry: false });
  const app = await buildTenantApp(config, deps);
  t.after(async () => {
    await app.close();
    await deps.close();
  });
  return {
    app,
    deps,
    config,
    databaseUrl,
    logs: () => lines.join(''),
    restart: (more = {}) => startTenant(t, databaseUrl, { ...extra, ...more }, options),
  };
}

/** A cookie jar and CSRF-aware client, like a browser with forms. */
export function createClient(app: FastifyInstance) {
  const jar = new Map<string, string>();
  let lastToken: string | undefined;

  function store(response: LightMyRequestResponse) {
    for (const cookie of response.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      const expired = cookie.maxAge === 0 || (cookie.expires !== undefined && cookie.expires.getTime() < Date.now());
      if (expired || cookie.value === '') jar.delete(cookie.name);
      else jar.set(cookie.name, cookie.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) lastToken = token;
    return response;
  }
  const cookies = () => Object.fromEntries(jar);

  return {
    jar,
    get token() {
      return lastToken;
    },
    async get(url: string) {
      return store(await app.inject({ method: 'GET', url, cookies: cookies() }));
    },
    /** Posts a form with the CSRF token of the last page seen (unless `_csrf` is given, or null to omit it). */
    async post(url: string, form: Record<string, string>, options: { csrf?: string | null } = {}) {
      const token = options.csrf === undefined ? lastToken : options.csrf;
      const payload = new URLSearchParams({ ...form, ...(token === null || token === undefined ? {} : { _csrf: token }) }).toString();
      return store(
        await app.inject({
          method: 'POST',
          url,
          cookies: cookies(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload,
        }),
      );
    },
    /** Opens the login page and signs in; returns the POST response. */
    async login(username: string, password: string) {
      await this.get('/connexion');
      return this.post('/connexion', { username, password });
    },
  };
}

export type Client = ReturnType<typeof createClient>;

/** Signs in with the initial credentials and completes the forced password change. */
export async function loginAndChangePassword(client: Client, newPassword = 'Nouveau-MotDePasse-2026'): Promise<void> {
  const login = await client.login(INITIAL_USERNAME, INITIAL_PASSWORD);
  if (login.headers.location !== '/mot-de-passe') throw new Error(`login went to ${String(login.headers.location)}`);
  await client.get('/mot-de-passe');
  const change = await client.post('/mot-de-passe', { current: INITIAL_PASSWORD, next: newPassword, confirmation: newPassword });
  if (change.statusCode !== 303) throw new Error(`password change answered ${change.statusCode}`);
}

export interface FakePlatform {
  url: string;
  requests: Array<{ method: string; url: string; authorization: string | undefined; body: string }>;
  /** Returns the answer, or null to never answer (a hung platform). */
  reply: (request: IncomingMessage, body: string) => { status: number; body?: unknown } | null;
  close(): Promise<void>;
}

/** A stand-in for the control plane's tenant API: a real HTTP server whose answers the test sets. */
export async function startFakePlatform(
  t: { after: (fn: () => Promise<void>) => void },
  reply: FakePlatform['reply'],
): Promise<FakePlatform> {
  const fake: FakePlatform = { url: '', requests: [], reply, close: async () => undefined };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      fake.requests.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization, body });
      const answer = fake.reply(request, body);
      if (answer === null) return;
      const type = answer.status >= 400 ? 'application/problem+json' : 'application/json';
      response.writeHead(answer.status, { 'content-type': type });
      response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closed = false;
  fake.close = async () => {
    if (closed) return;
    closed = true;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  t.after(() => fake.close());
  return fake;
}

/** A base URL where nothing listens (a port just released). */
export async function unreachableUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export function subscriptionBody(overrides: Record<string, unknown> = {}) {
  return {
    status: 'trialing',
    plan: 'essai',
    planName: 'Essai',
    trialEndsAt: new Date(Date.now() + 12 * 86_400_000).toISOString(),
    daysLeft: 12,
    renewalUrl: 'https://erpbtp.example/renouveler?client=42',
    ...overrides,
  };
}
