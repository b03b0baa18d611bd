// The dashboard's client list: a page of clients under filters and a search, in one of four orders, by keyset
// (never OFFSET: page 2,000 costs what page 1 costs). Each order is one or more segments; each segment is read
// from its own index in its own order, with the position as a row comparison on that index's columns. How the
// filters are applied depends on how many clients match (see ClientMatches), which the service learns by counting.
// Erased clients (RGPD) are left out unless asked for (see `ClientFilters.erased`).
import { type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/database.ts';
import { clients, type StackObservedState, stacks, subscriptions, type SubscriptionStatus } from '../db/schema.ts';

export const clientSorts = ['newest', 'oldest', 'company', 'trialEnd'] as const;
export type ClientSort = (typeof clientSorts)[number];

export interface ClientFilters {
  /** `substring`: anywhere in company, names, e-mail or stack name (3 characters or more, trigram indexes);
   *  `prefix`: the start of the company name (shorter texts, which trigrams cannot serve). */
  search?: { text: string; mode: 'substring' | 'prefix' };
  plan?: string;
  status?: SubscriptionStatus;
  state?: StackObservedState;
  /** Clients whose personal data was erased (RGPD): hidden by default; `only`: those alone; `include`: with the others. */
  erased?: 'only' | 'include';
}

/** Where a row sits in its order: its segment, its sort key as text (exact to the microsecond), its id. */
export interface ClientPosition {
  segment: number;
  key: string | null;
  id: number;
}

export interface ClientRow {
  id: number;
  entreprise: string;
  prenom: string;
  nom: string;
  email: string;
  createdAt: Date;
  /** The current subscription (`ended_at is null`), if any. */
  plan: string | null;
  status: SubscriptionStatus | null;
  trialEndsAt: Date | null;
  /** The client's stack, if any: its live one, else its latest (see `stackShown`). */
  stackName: string | null;
  stackState: StackObservedState | null;
  /** When the client's personal data was erased (RGPD), if it was: the row is its anonymised record. */
  erasedAt: Date | null;
  position: ClientPosition;
}

export interface ClientPageRequest {
  filters: ClientFilters;
  sort: ClientSort;
  /** Rows strictly after (`forward`) or before (`backward`) this position, in the sort's order. */
  from?: { position: ClientPosition; direction: 'forward' | 'backward' };
  limit: number;
  /** How many clients match the filters (see `ClientMatches`); `many` when unknown. */
  matches?: ClientMatches;
}

const c = alias(clients, 'c');
const s = alias(subscriptions, 's');
const s1 = alias(subscriptions, 's1');
const s2 = alias(subscriptions, 's2');
const k = alias(stacks, 'k');
const k1 = alias(stacks, 'k1');
const kq = alias(stacks, 'kq');
const ce = alias(clients, 'ce');

const tableAs = (table: typeof clients | typeof subscriptions | typeof stacks, name: string): SQL => sql`${table} ${sql.identifier(name)}`;

/** The expression of the trigram index `clients_search_trgm_idx`, written exactly as the index has it. */
const searchText = sql`lower(${c.entreprise} || ' ' || ${c.prenom} || ' ' || ${c.nom} || ' ' || ${c.email})`;

const isoMicros = (column: SQL | typeof c.createdAt | typeof s.trialEndsAt): SQL => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
const fromIsoMicros = (text: string): SQL => sql`(${text}::timestamp at time zone 'UTC')`;

interface SegmentKey {
  expression: SQL;
  /** The key as text for the cursor: exact, so that no row is skipped or repeated at a page boundary. */
  text: SQL;
  fromText: (text: string) => SQL;
  kind: 'timestamp' | 'text';
}

interface Segment {
  /** The ordering key (its index's first column), or none: ordered by id alone. */
  key?: SegmentKey;
  /** The id column the keyset compares: the one in the same index as the key. */
  id: SQL | typeof c.id | typeof s.clientId;
  /** Which clients belong to this segment; `bound` is the keyset's id bound, when it has one. */
  where?: (bound?: { op: SQL; id: number }) => SQL;
  /** The segment reads the current subscription. */
  needsSubscription?: boolean;
}

interface SortSpec {
  descending: boolean;
  /** SQL type of the key, for the `null` of key-less segments in a union. */
  keyType: SQL;
  segments: Segment[];
}

const createdAtKey: SegmentKey = { expression: sql`${c.createdAt}`, text: isoMicros(c.createdAt), fromText: fromIsoMicros, kind: 'timestamp' };

// « Fin d'essai la plus proche »: running trials by trial end (index on current subscriptions), then every other
// client by id. Trials that ended long ago (paid or expired) would otherwise fill the first pages.
const trialing = sql`${s.status} = 'trialing' and ${s.trialEndsAt} is not null`;
const SORTS: Record<ClientSort, SortSpec> = {
  newest: { descending: true, keyType: sql`timestamptz`, segments: [{ key: createdAtKey, id: c.id }] },
  oldest: { descending: false, keyType: sql`timestamptz`, segments: [{ key: createdAtKey, id: c.id }] },
  company: {
    descending: false, keyType: sql`text`,
    segments: [{ key: { expression: sql`lower(${c.entreprise})`, text: sql`lower(${c.entreprise})`, fromText: (text) => sql`${text}::text`, kind: 'text' }, id: c.id }],
  },
  trialEnd: {
    descending: false, keyType: sql`timestamptz`,
    segments: [
      {
        key: { expression: sql`${s.trialEndsAt}`, text: isoMicros(s.trialEndsAt), fromText: fromIsoMicros, kind: 'timestamp' },
        id: s.clientId, needsSubscription: true, where: () => trialing,
      },
      {
        id: c.id,
        // The bound repeated on s1 lets a merge anti-join start at the position instead of at the first client.
        where: (bound) => sql`not exists (select 1 from ${tableAs(subscriptions, 's1')} where ${s1.clientId} = ${c.id} and ${s1.endedAt} is null
          and ${s1.status} = 'trialing' and ${s1.trialEndsAt} is not null${bound ? sql` and ${s1.clientId} ${bound.op} ${bound.id}` : sql``})`,
      },
    ],
  },
};

const ISO_MICROS = /^([1-9]\d{3})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}$/;
/** Longest sort key a cursor may carry: a company name is at most 100 characters (signup form). */
const TEXT_KEY_MAX = 400;

function isIsoMicros(text: string): boolean {
  const parts = ISO_MICROS.exec(text)?.slice(1).map(Number);
  if (!parts) return false;
  const [year, month, day, hour, minute, second] = parts as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    && date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second;
}

/** Whether a position (read from a cursor, so from anyone) is one this sort could have produced: safe to query with. */
export function isPositionOf(sort: ClientSort, position: ClientPosition): boolean {
  const segment = Number.isInteger(position.segment) ? SORTS[sort].segments[position.segment] : undefined;
  if (!segment || !Number.isSafeInteger(position.id) || position.id < 1) return false;
  if (!segment.key) return position.key === null;
  if (typeof position.key !== 'string') return false;
  // PostgreSQL text cannot hold NUL: refused here rather than failing in the database.
  if (segment.key.kind === 'text') return position.key.length <= TEXT_KEY_MAX && !position.key.includes('\u0000');
  return isIsoMicros(position.key);
}

/** `%` and `_` are wildcards and `\` the escape character of LIKE: searched for as themselves. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * The search's conditions, one per way a client can match: each read on its own (a union) lets PostgreSQL use each one's
 * trigram index. Following an order's index instead (`many`), one condition: the stack names are then a hashed set.
 */
function searchBranches(search: ClientFilters['search'], matches: ClientMatches): (SQL | undefined)[] {
  if (!search) return [undefined];
  // A client's number (« 42 », « n° 42 »): that client too, by its primary key (an erased client's record is found so).
  const number = /^(?:n°\s*)?(\d{1,15})$/i.exec(search.text)?.[1];
  return [...textBranches(search, matches), ...(number ? [sql`${c.id} = ${Number(number)}`] : [])];
}

function textBranches(search: NonNullable<ClientFilters['search']>, matches: ClientMatches): SQL[] {
  const escaped = escapeLike(search.text);
  if (search.mode === 'prefix') return [sql`${searchText} like lower(${`${escaped}%`}::text)`];
  const pattern = sql`lower(${`%${escaped}%`}::text)`;
  // Stack names are lower-case slugs (trigram index `stacks_name_trgm_idx`): a text with anything else cannot be in one.
  if (!/^[a-z0-9-]+$/i.test(search.text)) return [sql`${searchText} like ${pattern}`];
  const stackNames = sql`select ${kq.clientId} from ${tableAs(stacks, 'kq')} where ${kq.name} like ${pattern}`;
  if (matches === 'many') return [sql`(${searchText} like ${pattern} or ${c.id} in (${stackNames}))`];
  return [sql`${searchText} like ${pattern}`, sql`${c.id} in (${stackNames})`];
}

/**
 * How a page is read. `many`: more than a thousand clients match; the order's index is followed and each client read is
 * checked against the filters, each built once as a hashed set (`case when c.id in (set) …`: the CASE keeps PostgreSQL
 * from turning the IN into a join driven by the order's index, which would probe another index for every client read, and
 * read the whole table that way when the first clients in that order rarely match: the newest clients are trials, the
 * oldest are not). The cost is bounded by the sets' sizes plus the clients read. `few`: every matching client is read
 * through the most selective index (status, state, trigrams), then sorted: a thousand rows at most.
 */
export type ClientMatches = 'few' | 'many';

/** The filters as conditions on `c`, and on `s` when the current subscription is joined. */
function filterConditions(filters: ClientFilters, subscriptionJoined: boolean, hashed: boolean): SQL[] {
  const where: SQL[] = [];
  const set = (condition: SQL) => (hashed ? sql`case when ${condition} then true end` : condition);
  if (subscriptionJoined) {
    if (filters.plan !== undefined) where.push(sql`${s.plan} = ${filters.plan}`);
    if (filters.status !== undefined) where.push(sql`${s.status} = ${filters.status}`);
  } else if (filters.plan !== undefined || filters.status !== undefined) {
    const conditions = [sql`${s2.endedAt} is null`];
    if (filters.plan !== undefined) conditions.push(sql`${s2.plan} = ${filters.plan}`);
    if (filters.status !== undefined) conditions.push(sql`${s2.status} = ${filters.status}`);
    where.push(set(sql`${c.id} in (select ${s2.clientId} from ${tableAs(subscriptions, 's2')} where ${sql.join(conditions, sql` and `)})`));
  }
  // Erased clients (RGPD): hidden unless asked for. An anti-join on the partial index `clients_erased_id_idx` (erased
  // clients only, a few): the order's index is still read alone (index-only), the erased rows are probed only for the
  // clients that pass the other filters, and PostgreSQL estimates it right (`erased_at is null` would fetch each row read).
  const erasedRow = sql`select 1 from ${tableAs(clients, 'ce')} where ${ce.id} = ${c.id} and ${ce.erasedAt} is not null`;
  if (filters.erased === undefined) where.push(sql`not exists (${erasedRow})`);
  else if (filters.erased === 'only') {
    where.push(hashed ? set(sql`${c.id} in (select ${ce.id} from ${tableAs(clients, 'ce')} where ${ce.erasedAt} is not null)`) : sql`exists (${erasedRow})`);
  }
  if (filters.state !== undefined) {
    // The instance's state is its live stack's, or « deleted » when it has none left (see `stackShown`).
    const having = (condition: SQL) => sql`${c.id} in (select ${k1.clientId} from ${tableAs(stacks, 'k1')} where ${condition})`;
    where.push(set(having(sql`${k1.observedState} = ${filters.state}`)));
    if (filters.state === 'deleted') {
      const live = having(sql`${k1.observedState} <> 'deleted'`);
      where.push(hashed ? sql`case when ${live} then false else true end` : sql`not ${live}`);
    }
  }
  return where;
}

function clientsFrom(subscriptionJoined: boolean): SQL {
  return subscriptionJoined
    ? sql`${tableAs(clients, 'c')} join ${tableAs(subscriptions, 's')} on ${s.clientId} = ${c.id} and ${s.endedAt} is null`
    : tableAs(clients, 'c');
}

const and = (conditions: SQL[]): SQL => (conditions.length ? sql`where ${sql.join(conditions, sql` and `)}` : sql``);

/** One indexed read: a segment of the order, one search branch, from a position, `limit` rows. */
function segmentQuery(spec: SortSpec, index: number, branch: SQL | undefined, request: ClientPageRequest, ascending: boolean): SQL | undefined {
  const segment = spec.segments[index]!;
  const { from, filters, limit } = request;
  const op = ascending ? sql`>` : sql`<`;
  const forward = !from || from.direction === 'forward';
  let keyset: SQL | undefined;
  let bound: { op: SQL; id: number } | undefined;
  if (from && from.position.segment === index) {
    const { key, id } = from.position;
    bound = { op, id };
    keyset = segment.key && key !== null
      ? sql`(${segment.key.expression}, ${segment.id}) ${op} (${segment.key.fromText(key)}, ${id})`
      : sql`${segment.id} ${op} ${id}`;
  } else if (from && (from.position.segment > index) === forward) {
    return undefined; // a segment the position has already passed
  }
  const few = request.matches === 'few';
  // A plan alone is joined even when many match: plans hardly depend on the signup date, so matches are spread along
  // every order (a status is not: the newest clients are trials), and the join stops after a page's worth of them.
  const planOnly = filters.plan !== undefined && filters.status === undefined;
  const joined = segment.needsSubscription === true || planOnly || (few && filters.status !== undefined);
  const conditions = [...filterConditions(filters, joined, !few), ...(branch ? [branch] : []), ...(segment.where ? [segment.where(bound)] : []), ...(keyset ? [keyset] : [])];
  const direction = ascending ? sql`asc` : sql`desc`;
  const columns = sql`${index}::int as seg, ${segment.key ? segment.key.expression : sql`null::${spec.keyType}`} as key,
    ${segment.key ? segment.key.text : sql`null::text`} as key_text, ${c.id} as id`;
  if (few) {
    // OFFSET 0 keeps the subquery whole: PostgreSQL reads every match by its best index, and only then sorts.
    const order = sql`key ${direction}, id ${direction}`;
    return sql`select * from (select ${columns} from ${clientsFrom(joined)} ${and(conditions)} offset 0) matching order by ${order} limit ${limit}`;
  }
  const order = segment.key ? sql`${segment.key.expression} ${direction}, ${segment.id} ${direction}` : sql`${segment.id} ${direction}`;
  return sql`select ${columns} from ${clientsFrom(joined)} ${and(conditions)} order by ${order} limit ${limit}`;
}

/**
 * The stack shown for a client: its live one (not deleted), else its latest. Signup creates one stack per client; one
 * recreated after a deletion would leave the deleted one behind, which must not hide the live one.
 */
const stackShown = sql`select ${k.name} as name, ${k.observedState} as observed_state from ${tableAs(stacks, 'k')}
  where ${k.clientId} = ${c.id} order by ${k.observedState} = 'deleted', ${k.id} desc limit 1`;

// Drizzle's driver hands raw statements' timestamps over as text: read as milliseconds instead.
const epochMs = (column: typeof c.createdAt | typeof c.erasedAt | typeof s.trialEndsAt): SQL => sql`(extract(epoch from ${column}) * 1000)::float8`;

interface RawRow extends Record<string, unknown> {
  seg: number;
  key_text: string | null;
  id: number;
  entreprise: string;
  prenom: string;
  nom: string;
  email: string;
  created_ms: number;
  plan: string | null;
  status: SubscriptionStatus | null;
  trial_ends_ms: number | null;
  stack_name: string | null;
  stack_state: StackObservedState | null;
  erased_ms: number | null;
}

/** Up to `limit` rows from the position in the asked direction, in that direction's order (backward: reversed). */
export async function listClientPage(ex: Executor, request: ClientPageRequest): Promise<ClientRow[]> {
  const spec = SORTS[request.sort];
  const ascending = spec.descending === (request.from?.direction === 'backward');
  const parts: SQL[] = [];
  for (let index = 0; index < spec.segments.length; index++) {
    for (const branch of searchBranches(request.filters.search, request.matches ?? 'many')) {
      const part = segmentQuery(spec, index, branch, request, ascending);
      if (part) parts.push(part);
    }
  }
  const direction = ascending ? sql`asc` : sql`desc`;
  const segmentDirection = request.from?.direction === 'backward' ? sql`desc` : sql`asc`;
  const order = sql`p.seg ${segmentDirection}, p.key ${direction}, p.id ${direction}`;
  const page = parts.length === 1
    ? parts[0]!
    : sql`select * from (${sql.join(parts.map((part) => sql`(${part})`), sql` union `)}) p order by ${order} limit ${request.limit}`;
  const { rows } = await ex.execute<RawRow>(sql`select p.seg, p.key_text, ${c.id} as id, ${c.entreprise} as entreprise, ${c.prenom} as prenom,
      ${c.nom} as nom, ${c.email} as email, ${epochMs(c.createdAt)} as created_ms, ${s.plan} as plan, ${s.status} as status,
      ${epochMs(s.trialEndsAt)} as trial_ends_ms, k.name as stack_name, k.observed_state as stack_state, ${epochMs(c.erasedAt)} as erased_ms
    from (${page}) p
    join ${tableAs(clients, 'c')} on ${c.id} = p.id
    left join ${tableAs(subscriptions, 's')} on ${s.clientId} = ${c.id} and ${s.endedAt} is null
    left join lateral (${stackShown}) k on true
    order by ${order}`);
  return rows.map((row) => ({
    id: row.id, entreprise: row.entreprise, prenom: row.prenom, nom: row.nom, email: row.email, createdAt: new Date(row.created_ms),
    plan: row.plan, status: row.status, trialEndsAt: row.trial_ends_ms === null ? null : new Date(row.trial_ends_ms), stackName: row.stack_name, stackState: row.stack_state,
    erasedAt: row.erased_ms === null ? null : new Date(row.erased_ms),
    position: { segment: row.seg, key: row.key_text, id: row.id },
  }));
}

/** How many clients match, counted up to `cap` (reading at most `cap` rows per search branch). */
export async function countClients(ex: Executor, filters: ClientFilters, cap: number): Promise<number> {
  // Without an order to follow, joins let PostgreSQL start from the smallest set (the status index, a search).
  const joined = filters.plan !== undefined || filters.status !== undefined;
  const parts = searchBranches(filters.search, 'few').map((branch) => {
    const conditions = [...filterConditions(filters, joined, false), ...(branch ? [branch] : [])];
    return sql`select ${c.id} as id from ${clientsFrom(joined)} ${and(conditions)} limit ${cap}`;
  });
  const counted = parts.length === 1 ? parts[0]! : sql.join(parts.map((part) => sql`(${part})`), sql` union `);
  const { rows } = await ex.execute<{ n: number }>(sql`select count(*)::int as n from (${counted}) matching`);
  return rows[0]?.n ?? 0;
}
