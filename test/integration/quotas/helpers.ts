// A client with a subscription and an instance whose TENANT_TOKEN the test knows, written straight into
// the platform's tables (what signup and provisioning would have left), and calls to the tenant API.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type pg from 'pg';
import { hashBearerToken } from '../../../src/vault/bearer-token.ts';

export interface TestTenantStack {
  token: string;
  clientId: number;
  stackId: number;
  subscriptionId: number;
  email: string;
}

let counter = 0;

export async function createTenantStack(
  sql: pg.Pool, options: { plan?: string; status?: string; entreprise?: string; prenom?: string } = {},
): Promise<TestTenantStack> {
  const n = `${process.pid}-${counter++}`;
  const token = randomBytes(32).toString('base64url');
  const email = `client-${n}@exemple.fr`;
  const { rows: [client] } = await sql.query(
    `insert into clients (entreprise, nom, prenom, email, telephone, effectif) values ($1, 'Martin', $2, $3, '0612345678', '1-5') returning id`,
    [options.entreprise ?? `Martin Rénovation ${n}`, options.prenom ?? 'Julie', email]);
  const { rows: [subscription] } = await sql.query(
    `insert into subscriptions (client_id, plan, status, trial_ends_at, cgv_accepted_at, consent_ip)
     values ($1, $2, $3, now() + interval '30 days', now(), '127.0.0.1') returning id`,
    [client.id, options.plan ?? 'essai', options.status ?? 'trialing']);
  const { rows: [stack] } = await sql.query(
    `insert into stacks (client_id, name, orchestrator, desired_state, observed_state, tenant_token_hash)
     values ($1, $2, 'local', 'running', 'running', $3) returning id`,
    [client.id, `martin-${n}`, hashBearerToken(token)]);
  return { token, clientId: client.id, stackId: stack.id, subscriptionId: subscription.id, email };
}

export function tenantApi(app: FastifyInstance, token: string | undefined) {
  const headers = (extra: Record<string, string> = {}) => ({ ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra });
  return {
    quotaCheck: (body: unknown): Promise<LightMyRequestResponse> =>
      app.inject({ method: 'POST', url: '/api/tenant/v1/quota-check', headers: headers(), payload: body as object }),
    usage: (body: unknown): Promise<LightMyRequestResponse> =>
      app.inject({ method: 'PUT', url: '/api/tenant/v1/usage', headers: headers(), payload: body as object }),
    /** A body sent as is, with the given content type. */
    raw: (method: 'POST' | 'PUT', url: string, payload: string, contentType?: string): Promise<LightMyRequestResponse> =>
      app.inject({ method, url, headers: headers(contentType ? { 'content-type': contentType } : {}), payload }),
  };
}

export async function setPlan(sql: pg.Pool, subscriptionId: number, plan: string, status?: string): Promise<void> {
  await sql.query('update subscriptions set plan = $2, status = coalesce($3, status) where id = $1', [subscriptionId, plan, status ?? null]);
}

export async function quotaEmails(sql: pg.Pool, clientId: number) {
  const { rows } = await sql.query<{ dedupe_key: string; recipients: string[]; params: Record<string, string | number> }>(
    `select dedupe_key, recipients, params from email_outbox where template = 'quota-warning' and client_id = $1 order by id`, [clientId]);
  return rows;
}
