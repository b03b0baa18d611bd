// The rows of a new trial, written by one statement: client, subscription, stack, deployment,
// its steps and first event. One round trip instead of one per row matters at signup peaks:
// each statement costs the web process and PostgreSQL far more CPU than the rows themselves.
import type { PoolClient } from 'pg';
import { STACK_NAME_MAX } from './stack-name.ts';

export interface TrialRows {
  entreprise: string;
  nom: string;
  prenom: string;
  email: string;
  telephone: string;
  effectif: string;
  plan: string;
  priceCents: number | null;
  at: Date;
  trialEndsAt: Date;
  consentIp: string;
  stackNameBase: string;
  orchestrator: string;
  trackingTokenHash: string;
  stepNames: readonly string[];
  /** Trials per IP in the hour before `at`; 0: no limit. */
  rateLimitPerHour: number;
}

export type InsertTrialResult =
  | { kind: 'created'; deploymentId: number; stackName: string }
  | { kind: 'already-registered' }
  | { kind: 'rate-limited' }
  /** Another signup took the stack name this one chose between its snapshot and its insert: try again. */
  | { kind: 'name-race' };

/** Held by a transaction from the moment it picks a stack name until it commits: others skip that name. */
const STACK_NAME_LOCK = 727_004;

/** `base`, `base-2`, `base-3`… in SQL: the same names as stackNameCandidate. */
function candidate(n: string): string {
  return `(case when ${n} <= 1 then $12::text else rtrim(left($12::text, ${STACK_NAME_MAX} - length('-' || ${n})), '-') || '-' || ${n} end)`;
}

// The stack name: `base` if free, else `base-N`. A galloping then binary search over the unique
// index finds a taken N followed by a free N+1 in O(log n) lookups (names are dense, so this is
// the highest N + 1, as a scan of every `base-N` would find, without reading them all). From
// there, the first name nobody has committed and no concurrent signup is inserting (advisory
// lock, held until commit) is taken: concurrent signups of one company never wait on each other.
// Lookups are scalar subqueries with `limit 1`, not exists(): the planner may turn exists() into
// a hash of every stack name.
const STACK_NAME = `
  search(lo, hi) as (
    select 0, null::int
    union all
    select case when t.taken then m.mid else s.lo end, case when t.taken then s.hi else m.mid end
    from search s
    cross join lateral (select coalesce((s.lo + s.hi) / 2, greatest(2 * s.lo, 1)) as mid) m
    cross join lateral (select (select true from stacks where name = ${candidate('m.mid')} limit 1) is not null as taken) t
    where s.hi is null or s.hi > s.lo + 1
  ),
  stack_name as (
    select c.name
    from search s
    cross join generate_series(s.hi, s.hi + 99) g(n)
    cross join lateral (select ${candidate('g.n')} as name) c
    where s.hi = s.lo + 1
      and case when (select true from stacks where name = c.name limit 1) then false
               else pg_try_advisory_xact_lock(${STACK_NAME_LOCK}, hashtext(c.name)) end
    limit 1
  )`;

function insertTrialSql(rateLimited: boolean): string {
  return `
  with recursive
  ${rateLimited ? `recent as (
    select count(*) as n from subscriptions where consent_ip = $11::inet and created_at > $7::timestamptz - interval '1 hour'
  ),` : ''}
  ${STACK_NAME},
  client as (
    insert into clients (entreprise, nom, prenom, email, telephone, effectif, created_at)
    select $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::timestamptz
    ${rateLimited ? 'where (select n from recent) < $16::int' : ''}
    on conflict do nothing
    returning id
  ),
  subscription as (
    insert into subscriptions (client_id, plan, status, price_cents, trial_ends_at, started_at, cgv_accepted_at, consent_ip, created_at)
    select id, $8::text, 'trialing', $9::int, $10::timestamptz, $7::timestamptz, $7::timestamptz, $11::inet, $7::timestamptz from client
  ),
  stack as (
    insert into stacks (client_id, name, orchestrator, desired_state, observed_state)
    select id, (select name from stack_name), $13::text, 'running', 'provisioning' from client
    returning id, name
  ),
  deployment as (
    insert into deployments (stack_id, kind, state, tracking_token_hash)
    select id, 'create', 'queued', $14::text from stack
    returning id
  ),
  steps as (
    insert into deployment_steps (deployment_id, name, position)
    select d.id, s.name, s.position - 1 from deployment d, unnest($15::text[]) with ordinality as s(name, position)
  ),
  event as (
    insert into deployment_events (deployment_id, code) select id, 'deployment.event.queued' from deployment
  )
  select (select id from deployment) as "deploymentId", (select name from stack) as "stackName",
    ${rateLimited ? '(select n from recent) >= $16::int' : 'false'} as "rateLimited"`;
}

// Named: each connection plans the statement once, instead of at every signup (planning it costs
// about as much as running it).
const WITH_LIMIT = { name: 'signup-insert-trial-limited', text: insertTrialSql(true) };
const WITHOUT_LIMIT = { name: 'signup-insert-trial', text: insertTrialSql(false) };

/** Runs inside the caller's transaction (the provisioning job joins it). */
export async function insertTrial(client: PoolClient, r: TrialRows): Promise<InsertTrialResult> {
  const values: unknown[] = [
    r.entreprise, r.nom, r.prenom, r.email, r.telephone, r.effectif, r.at, r.plan, r.priceCents, r.trialEndsAt,
    r.consentIp, r.stackNameBase, r.orchestrator, r.trackingTokenHash, r.stepNames,
  ];
  if (r.rateLimitPerHour > 0) values.push(r.rateLimitPerHour);
  try {
    const { rows } = await client.query<{ deploymentId: number | null; stackName: string | null; rateLimited: boolean }>(
      { ...(r.rateLimitPerHour > 0 ? WITH_LIMIT : WITHOUT_LIMIT), values },
    );
    const row = rows[0]!;
    if (row.deploymentId !== null) return { kind: 'created', deploymentId: Number(row.deploymentId), stackName: row.stackName! };
    return row.rateLimited ? { kind: 'rate-limited' } : { kind: 'already-registered' };
  } catch (error) {
    const e = error as { code?: string; constraint?: string; table?: string; column?: string };
    // The name was committed by another signup after this statement's snapshot (unique violation), or,
    // far rarer, the next 100 names were all taken or being taken (null name).
    if ((e.code === '23505' && e.constraint === 'stacks_name_key') || (e.code === '23502' && e.table === 'stacks' && e.column === 'name')) {
      return { kind: 'name-race' };
    }
    throw error;
  }
}
