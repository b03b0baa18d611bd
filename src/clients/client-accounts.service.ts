// The REST API's use cases on clients (routes: src/http/api/clients.routes.ts): pages of them under filters, one with
// its subscriptions and stacks, a change of its contact details (audited, each field before and after), and how much
// of its plan's quotas its instance uses. An erased client is gone for all of them (410), and absent from the pages.
import type pg from 'pg';
import type { Actor } from '../audit/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { getClientRecord } from '../backoffice/client-record.repository.ts';
import type { Db } from '../db/database.ts';
import { type QuotaResource, quotaResources, type SubscriptionStatus } from '../db/schema.ts';
import { withTransaction } from '../db/transaction.ts';
import { AppError, ConflictError, ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Plan } from '../plans/plan.ts';
import { findPlan } from '../plans/plans.ts';
import type { StackRow } from '../provisioning/stacks.repository.ts';
import { levelOf, limitOf, percentOf, type UsageLevel, usedOf } from '../quotas/quota-rules.ts';
import { getLatestUsageSample } from '../quotas/quotas.repository.ts';
import { requireScope } from '../staff/access.ts';
import type { SubscriptionRow } from '../subscriptions/subscriptions.repository.ts';
import { CONTACT_FIELDS, type ContactPatch, parseContactPatch } from './client-contact.ts';
import { liveClient } from './client-errors.ts';
import {
  type ClientListRow, type ClientRow, CONTACT_CHANGE_ACTION, findEmailOwner, listClients, listClientStacks, listClientSubscriptions, updateClient,
} from './clients.repository.ts';

const DEFAULT_PAGE = 50;

export interface ClientListQuery {
  search?: string;
  status?: SubscriptionStatus;
  plan?: string;
  /** From the previous page's `nextCursor`. */
  cursor?: string;
  limit?: number;
}

export interface ClientPage {
  items: ClientListRow[];
  nextCursor: string | null;
}

export interface ClientDetail {
  client: ClientRow;
  /** Newest first. */
  subscriptions: SubscriptionRow[];
  /** Oldest first, deleted ones included. */
  stacks: StackRow[];
}

export interface ResourceUsage {
  /** As last reported by the instance (bytes for storage); 0 before its first report. */
  used: number;
  /** null = unlimited. */
  limit: number | null;
  /** null when unlimited. */
  percent: number | null;
  state: UsageLevel;
}

export interface ClientQuotas {
  /** The current subscription's plan; null without one. */
  plan: string | null;
  /** The instance's last usage report; null before its first. */
  reportedAt: Date | null;
  resources: Record<QuotaResource, ResourceUsage>;
}

/** The cursor names what it pages through and the last id of the page; opaque to callers (its form may change). */
const CURSOR = /^clients:(\d{1,15})$/;

export function encodeClientCursor(id: number): string {
  return Buffer.from(`clients:${id}`).toString('base64url');
}

function decodeClientCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new AppError(400, 'invalid-cursor', t('api.error.invalidCursor'));
  return Number(match[1]);
}

/** The unique index on e-mails refused the change (the query builder wraps the driver's error). */
function isEmailTaken(error: unknown): boolean {
  const cause = ((error as { cause?: unknown }).cause ?? error) as { code?: string; constraint?: string };
  return cause.code === '23505' && cause.constraint === 'clients_email_lower_key';
}

export function createClientAccounts(deps: { db: Db; pool: pg.Pool; plans: readonly Plan[] }) {
  async function list(actor: Actor, query: ClientListQuery): Promise<ClientPage> {
    requireScope(actor, 'clients:read');
    const limit = query.limit ?? DEFAULT_PAGE;
    const search = query.search?.trim();
    const rows = await listClients(deps.db, { search: search || undefined, status: query.status, plan: query.plan }, decodeClientCursor(query.cursor), limit + 1);
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? encodeClientCursor(items.at(-1)!.client.id) : null };
  }

  async function detail(id: number): Promise<ClientDetail> {
    const client = await liveClient(deps.db, id);
    const [subscriptions, stacks] = await Promise.all([listClientSubscriptions(deps.db, id), listClientStacks(deps.db, id)]);
    return { client, subscriptions, stacks };
  }

  async function get(actor: Actor, id: number): Promise<ClientDetail> {
    requireScope(actor, 'clients:read');
    return detail(id);
  }

  /** Changes the fields sent (others stay); a field sent with its current value is no change. Answers the client as it is now. */
  async function update(actor: Actor, id: number, patch: ContactPatch): Promise<ClientDetail> {
    requireScope(actor, 'clients:write');
    const parsed = parseContactPatch(patch, deps.plans);
    if (!parsed.ok) throw new ValidationError('validation-failed', t('api.problem.validation-failed.detail'), parsed.errors);
    const changes = parsed.value;
    await withTransaction(deps.pool, async ({ tx }) => {
      const client = await liveClient(tx, id, { lock: true });
      const changed = CONTACT_FIELDS.filter((field) => changes[field] !== undefined && changes[field] !== client[field]);
      if (changed.length === 0) return;
      const taken = () => new ConflictError('email-already-registered', t('api.error.emailTaken', { email: changes.email! }));
      if (changed.includes('email') && (await findEmailOwner(tx, changes.email!, id)) !== undefined) throw taken();
      await updateClient(tx, id, Object.fromEntries(changed.map((field) => [field, changes[field]]))).catch((error: unknown) => {
        // Another client took the address between the check and the change.
        throw isEmailTaken(error) ? taken() : error;
      });
      const details = Object.fromEntries(changed.flatMap((field) => [[`${field}.before`, client[field]], [`${field}.after`, changes[field]!]]));
      await recordAudit(tx, actor, { action: CONTACT_CHANGE_ACTION, target: { type: 'client', id }, clientId: id, details: { fields: changed.join(','), ...details } });
    });
    return detail(id);
  }

  /** Usage against the current plan's limits, from the instance's last report (the instance shown for the client: its live one). */
  async function quotas(actor: Actor, id: number): Promise<ClientQuotas> {
    requireScope(actor, 'clients:read');
    await liveClient(deps.db, id);
    const record = (await getClientRecord(deps.db, id))!;
    const sample = record.stack ? await getLatestUsageSample(deps.db, record.stack.id) : undefined;
    const plan = record.subscription ? findPlan(deps.plans, record.subscription.plan) : undefined;
    const usage = { users: sample?.users ?? 0, projects: sample?.projects ?? 0, storageBytes: sample?.storageBytes ?? 0 };
    const resources = Object.fromEntries(quotaResources.map((resource) => {
      // A plan missing from the catalogue is not enforced (the tenant API says the same): unlimited.
      const limit = plan ? limitOf(plan, resource) : null;
      const used = usedOf(usage, resource);
      return [resource, { used, limit, percent: percentOf(used, limit), state: levelOf(used, limit) }];
    })) as Record<QuotaResource, ResourceUsage>;
    return { plan: record.subscription?.plan ?? null, reportedAt: sample?.reportedAt ?? null, resources };
  }

  return { list, get, update, quotas };
}

export type ClientAccounts = ReturnType<typeof createClientAccounts>;
