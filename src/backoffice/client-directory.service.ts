// « Clients »: the dashboard's list of clients, searched, filtered, sorted, 50 a page by keyset. The address
// is read from anyone: every value is checked against a list of known ones, and cursors, opaque to the
// page, are decoded here and checked before they reach a query.
import type { Actor } from '../audit/actor.ts';
import type { Db } from '../db/database.ts';
import { type StackObservedState, stackObservedStates, type SubscriptionStatus, subscriptionStatuses } from '../db/schema.ts';
import type { Plan } from '../plans/plan.ts';
import { requirePermission } from '../staff/access.ts';
import {
  type ClientFilters, type ClientMatches, type ClientPosition, type ClientRow, type ClientSort, clientSorts, countClients, isPositionOf,
  listClientPage,
} from './client-directory.repository.ts';

export { type ClientSort, clientSorts } from './client-directory.repository.ts';

export const CLIENT_PAGE_SIZE = 50;
/** Counting further would cost as much as reading the rows: past it, the page says « plus de 1 000 ». */
export const CLIENT_COUNT_CAP = 1000;
export const SEARCH_MAX_LENGTH = 100;
/** Below this length a search matches the start of the company name (trigrams need 3 characters). */
export const SEARCH_SUBSTRING_MIN = 3;
const CURSOR_MAX_LENGTH = 1000;

/** The list as asked for in the address: anything, unchecked. */
export interface ClientListInput {
  q?: unknown;
  plan?: unknown;
  status?: unknown;
  state?: unknown;
  /** Erased clients (RGPD): `only`, `include`; hidden when absent. */
  erased?: unknown;
  sort?: unknown;
  /** Cursor of the row after which (`after`) or before which (`before`) the page starts. */
  after?: unknown;
  before?: unknown;
}

/** The same, checked: only known values. */
export interface ClientListQuery {
  q?: string;
  plan?: string;
  status?: SubscriptionStatus;
  state?: StackObservedState;
  /** Erased clients (RGPD) are hidden unless asked for: `only` those, or `include` them with the others. */
  erased?: ErasedFilter;
  sort: ClientSort;
  after?: string;
  before?: string;
}

export const erasedFilters = ['only', 'include'] as const;
export type ErasedFilter = (typeof erasedFilters)[number];

export type ClientListProblem = 'q' | 'plan' | 'status' | 'state' | 'erased' | 'sort' | 'cursor';

export interface ClientListItem extends Omit<ClientRow, 'position'> {
  /** The plan's display name (the id itself for a plan no longer in the catalogue). */
  planName: string | null;
}

export interface ClientListPage {
  clients: ClientListItem[];
  /** Matching clients, counted up to CLIENT_COUNT_CAP; `more`: there are more than that. */
  total: { count: number; more: boolean };
  /** Cursors of the neighbouring pages, when they exist. */
  next?: string;
  previous?: string;
}

export type ClientListResult =
  | { ok: true; query: ClientListQuery; page: ClientListPage }
  /** `query` keeps the valid parts, to show the form again. */
  | { ok: false; query: ClientListQuery; problems: ClientListProblem[] };

type Direction = 'forward' | 'backward';

function encodeCursor(sort: ClientSort, position: ClientPosition): string {
  return Buffer.from(JSON.stringify([sort, position.segment, position.key, position.id])).toString('base64url');
}

function decodeCursor(token: string, sort: ClientSort): ClientPosition | undefined {
  if (token.length > CURSOR_MAX_LENGTH || !/^[\w-]+$/.test(token)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 4 || value[0] !== sort) return undefined;
  const [, segment, key, id] = value as [unknown, unknown, unknown, unknown];
  if (typeof segment !== 'number' || typeof id !== 'number' || (key !== null && typeof key !== 'string')) return undefined;
  const position = { segment, key, id };
  return isPositionOf(sort, position) ? position : undefined;
}

/** Search text as typed, spaces collapsed; control characters (NUL among them, which PostgreSQL refuses) as spaces. */
function normaliseSearch(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

interface Checked {
  query: ClientListQuery;
  problems: ClientListProblem[];
  from?: { position: ClientPosition; direction: Direction };
}

function check(input: ClientListInput, planIds: readonly string[]): Checked {
  const problems: ClientListProblem[] = [];
  const present = (value: unknown) => value !== undefined && value !== '';
  const query: ClientListQuery = { sort: 'newest' };

  if (present(input.q)) {
    const q = typeof input.q === 'string' ? normaliseSearch(input.q) : undefined;
    if (q === undefined || [...q].length > SEARCH_MAX_LENGTH) problems.push('q');
    else if (q) query.q = q;
  }
  const fields = [
    ['plan', planIds], ['status', subscriptionStatuses], ['state', stackObservedStates], ['erased', erasedFilters], ['sort', clientSorts],
  ] as const;
  for (const [field, allowed] of fields) {
    if (!present(input[field])) continue;
    const value = oneOf(input[field], allowed);
    if (value === undefined) problems.push(field);
    else Object.assign(query, { [field]: value });
  }

  let from: Checked['from'];
  const cursors = (['after', 'before'] as const).filter((field) => present(input[field]));
  if (cursors.length > 1) problems.push('cursor');
  else if (cursors.length === 1 && !problems.includes('sort')) {
    const field = cursors[0]!;
    const token = input[field];
    const position = typeof token === 'string' ? decodeCursor(token, query.sort) : undefined;
    if (!position) problems.push('cursor');
    else {
      query[field] = token as string;
      from = { position, direction: field === 'after' ? 'forward' : 'backward' };
    }
  }
  return { query, problems, from };
}

function filtersOf(query: ClientListQuery): ClientFilters {
  const filters: ClientFilters = {};
  if (query.q) filters.search = { text: query.q, mode: [...query.q].length < SEARCH_SUBSTRING_MIN ? 'prefix' : 'substring' };
  if (query.plan) filters.plan = query.plan;
  if (query.status) filters.status = query.status;
  if (query.state) filters.state = query.state;
  if (query.erased) filters.erased = query.erased;
  return filters;
}

/**
 * Whether the filters narrow the list down: then the count comes first and decides how the page is read. Erased
 * clients hidden (the default) or included do not: nearly every client is shown, in the order's index.
 */
function narrows(filters: ClientFilters): boolean {
  return filters.search !== undefined || filters.plan !== undefined || filters.status !== undefined || filters.state !== undefined
    || filters.erased === 'only';
}

/**
 * The rows to show and the neighbouring pages' positions, from rows read one more than a page from the position.
 * Read backward, they come in reverse; fewer than a page before the cursor means the start: the first page, full.
 */
async function turnPage(rows: ClientRow[], from: Checked['from'], firstPage: () => Promise<ClientRow[]>) {
  if (from?.direction === 'backward' && rows.length >= CLIENT_PAGE_SIZE) {
    const shown = rows.slice(0, CLIENT_PAGE_SIZE).reverse();
    return { shown, next: shown.at(-1)!.position, previous: rows.length > CLIENT_PAGE_SIZE ? shown[0]!.position : undefined };
  }
  const forward = from?.direction === 'forward';
  const page = forward || !from ? rows : await firstPage();
  const shown = page.slice(0, CLIENT_PAGE_SIZE);
  return { shown, next: page.length > CLIENT_PAGE_SIZE ? shown.at(-1)!.position : undefined, previous: forward ? shown[0]?.position : undefined };
}

export function createClientDirectoryService(deps: { db: Db; plans: readonly Plan[] }) {
  const planIds = deps.plans.map((plan) => plan.id);
  const planNames = new Map<string, string>(deps.plans.map((plan) => [plan.id, plan.name]));

  /** A page of clients: the first, or the one after or before a cursor of a previous page. */
  async function list(actor: Actor, input: ClientListInput): Promise<ClientListResult> {
    requirePermission(actor, 'dashboard:read');
    const { query, problems, from } = check(input, planIds);
    if (problems.length > 0) return { ok: false, query, problems };
    const filters = filtersOf(query);
    let matches: ClientMatches = 'many';
    const read = (start?: Checked['from']) => listClientPage(deps.db, { filters, sort: query.sort, from: start, limit: CLIENT_PAGE_SIZE + 1, matches });
    const counting = countClients(deps.db, filters, CLIENT_COUNT_CAP + 1);
    let rows: ClientRow[];
    let count: number;
    if (!narrows(filters)) {
      [rows, count] = await Promise.all([read(from), counting]);
    } else {
      // The count decides how the page is read (see ClientMatches): a thousand matches at most are read and sorted.
      count = await counting;
      matches = count > CLIENT_COUNT_CAP ? 'many' : 'few';
      rows = await read(from);
    }

    const { shown, next, previous } = await turnPage(rows, from, () => read());
    const clients = shown.map(({ position: _position, ...row }) => ({ ...row, planName: row.plan === null ? null : (planNames.get(row.plan) ?? row.plan) }));
    return {
      ok: true, query,
      page: {
        clients,
        total: { count: Math.min(count, CLIENT_COUNT_CAP), more: count > CLIENT_COUNT_CAP },
        ...(next ? { next: encodeCursor(query.sort, next) } : {}),
        ...(previous ? { previous: encodeCursor(query.sort, previous) } : {}),
      },
    };
  }

  return {
    list,
    /** The plan filter's choices. */
    plans: deps.plans.map((plan) => ({ id: plan.id, name: plan.name })),
  };
}

export type ClientDirectoryService = ReturnType<typeof createClientDirectoryService>;
