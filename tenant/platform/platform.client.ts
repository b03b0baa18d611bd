// The control plane's tenant API, seen from the instance: subscription status, quota checks, usage.
// The platform is never on the critical path: short timeouts, answers cached, and every failure
// degrades to "unknown" so users keep working.
import type { Logger } from 'pino';
import type { PlatformConfig } from '../config.ts';

export const SUBSCRIPTION_STATUSES = ['trialing', 'active', 'past_due', 'suspended', 'cancelled', 'expired'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export interface Subscription {
  status: SubscriptionStatus;
  plan: string;
  planName: string;
  trialEndsAt: Date | null;
  daysLeft: number | null;
  /** Only http(s) URLs are kept: the value ends up in an href. */
  renewalUrl: string | null;
}

export type SubscriptionInfo =
  | { kind: 'ok'; subscription: Subscription }
  | { kind: 'unavailable' }
  | { kind: 'not-configured' };

export type QuotaResource = 'users' | 'projects' | 'storage';

export interface QuotaAnswer {
  allowed: boolean;
  used: number | null;
  /** -1 means unlimited. */
  limit: number | null;
  message: string | null;
}

export interface Usage {
  users: number;
  projects: number;
  storageBytes: number;
}

export interface PlatformClient {
  /** Fresh or cached (≤ cacheMs) subscription; waits at most timeoutMs for the platform. */
  getSubscription(): Promise<SubscriptionInfo>;
  /** Whatever is cached, even stale, without waiting; starts a refresh when stale. */
  peekSubscription(): SubscriptionInfo | undefined;
  /** Null when the platform cannot answer. */
  checkQuota(resource: QuotaResource, current: number): Promise<QuotaAnswer | null>;
  reportUsage(usage: Usage): Promise<boolean>;
}

export interface PlatformClientOptions {
  config: PlatformConfig | null;
  log: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  timeoutMs?: number;
  cacheMs?: number;
  failureCacheMs?: number;
}

export const TENANT_API = '/api/tenant/v1';

export function createPlatformClient(options: PlatformClientOptions): PlatformClient {
  const { config, log } = options;
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const cacheMs = options.cacheMs ?? 60_000;
  const failureCacheMs = options.failureCacheMs ?? 15_000;

  let cached: { info: SubscriptionInfo; expiresAt: number } | undefined;
  let inFlight: Promise<SubscriptionInfo> | undefined;

  async function call(method: string, path: string, body?: unknown): Promise<Response | null> {
    if (!config) return null;
    try {
      const response = await doFetch(`${config.url}${TENANT_API}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${config.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      if (!response.ok) {
        // 401 means our token is wrong or revoked: worth a louder log than a passing outage.
        const level = response.status === 401 || response.status === 403 ? 'error' : 'warn';
        log[level]({ endpoint: path, status: response.status }, 'platform tenant API refused the call');
        await response.body?.cancel();
        return null;
      }
      return response;
    } catch (err) {
      const error = err as Error & { cause?: { code?: string } };
      log.warn({ endpoint: path, error: error.name, code: error.cause?.code }, 'platform tenant API unreachable');
      return null;
    }
  }

  async function fetchSubscription(): Promise<SubscriptionInfo> {
    const response = await call('GET', '/subscription');
    const subscription = response ? parseSubscription(await readJson(response)) : null;
    if (response && !subscription) log.warn({ endpoint: '/subscription' }, 'platform answered an unexpected subscription shape');
    const info: SubscriptionInfo = subscription ? { kind: 'ok', subscription } : { kind: 'unavailable' };
    cached = { info, expiresAt: now() + (subscription ? cacheMs : failureCacheMs) };
    return info;
  }

  function refresh(): Promise<SubscriptionInfo> {
    // Never rejects: peekSubscription() fires it without awaiting.
    inFlight ??= fetchSubscription()
      .catch((err: unknown) => {
        log.warn({ error: (err as Error).name }, 'subscription refresh failed');
        const info: SubscriptionInfo = { kind: 'unavailable' };
        cached = { info, expiresAt: now() + failureCacheMs };
        return info;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  }

  return {
    async getSubscription() {
      if (!config) return { kind: 'not-configured' };
      if (cached && cached.expiresAt > now()) return cached.info;
      return refresh();
    },
    peekSubscription() {
      if (!config) return { kind: 'not-configured' };
      if (!cached || cached.expiresAt <= now()) void refresh();
      return cached?.info;
    },
    async checkQuota(resource, current) {
      const response = await call('POST', '/quota-check', { resource, current });
      return response ? parseQuota(await readJson(response)) : null;
    },
    async reportUsage(usage) {
      const response = await call('PUT', '/usage', usage);
      await response?.body?.cancel();
      return response !== null;
    },
  };
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const optionalNumber = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export function parseSubscription(body: unknown): Subscription | null {
  if (!isRecord(body)) return null;
  const status = SUBSCRIPTION_STATUSES.find((s) => s === body.status);
  if (!status || typeof body.plan !== 'string') return null;
  const trialEndsAt = typeof body.trialEndsAt === 'string' ? new Date(body.trialEndsAt) : null;
  const daysLeft = optionalNumber(body.daysLeft);
  return {
    status,
    plan: body.plan,
    planName: typeof body.planName === 'string' && body.planName !== '' ? body.planName : body.plan,
    trialEndsAt: trialEndsAt && !Number.isNaN(trialEndsAt.getTime()) ? trialEndsAt : null,
    daysLeft: daysLeft === null ? null : Math.max(0, Math.floor(daysLeft)),
    renewalUrl: safeHttpUrl(body.renewalUrl),
  };
}

function parseQuota(body: unknown): QuotaAnswer | null {
  if (!isRecord(body) || typeof body.allowed !== 'boolean') return null;
  return {
    allowed: body.allowed,
    used: optionalNumber(body.used),
    limit: optionalNumber(body.limit),
    message: typeof body.message === 'string' && body.message !== '' ? body.message.slice(0, 500) : null,
  };
}

function safeHttpUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}
