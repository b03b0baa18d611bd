// The erasure's writes (RGPD right to erasure): every piece of personal data the platform holds about a client,
// anonymised or removed in the caller's transaction. What identifies the person (names, e-mail addresses, phone,
// consent IP, messages, e-mail contents) goes; what accounting needs (the rows, plans, prices, dates) stays.
import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { CONTACT_CHANGE_ACTION } from './clients.repository.ts';

export interface Anonymisation {
  clientId: number;
  /** Every address the client was known by (its e-mail and former ones), matched whatever their case. */
  addresses: readonly string[];
  /** The e-mail that replaces them: unique (the index on e-mails wants it), and saying nothing of the person. */
  placeholderEmail: string;
  /** The company's replacement, shown in the dashboard. */
  placeholderCompany: string;
  /** Why an e-mail still waiting for the client is never sent. */
  emailCancelled: string;
  at: Date;
}

/** The placeholder address of an erased client: derived from its id alone, so nothing leads back to the person. */
export function erasedEmail(clientId: number): string {
  return `efface-${clientId}@efface.invalid`;
}

/** A regular expression (PostgreSQL's) matching any of the addresses: each character other than a letter or digit escaped. */
function alternatives(addresses: readonly string[]): string {
  return addresses.map((address) => address.replace(/[^A-Za-z0-9]/g, (c) => `\\${c}`)).join('|');
}

/** Anonymises the client's personal data everywhere; the caller holds the client's row locked and records the audit entry. */
export async function anonymiseClient(ex: Executor, a: Anonymisation): Promise<void> {
  const anywhere = `(${alternatives(a.addresses)})`;
  const exact = `^${anywhere}$`;
  const placeholder = a.placeholderEmail;
  const scrub = (column: SQL) => sql`regexp_replace(${column}, ${anywhere}, ${placeholder}, 'gi')`;
  const clientStacks = sql`select id from stacks where client_id = ${a.clientId}`;
  const clientDeployments = sql`select id from deployments where stack_id in (${clientStacks})`;
  const clientEmails = sql`client_id = ${a.clientId} or reply_to ~* ${exact} or exists (select 1 from unnest(recipients) r where r ~* ${exact})`;
  const statements: SQL[] = [
    sql`update clients set nom = '', prenom = '', entreprise = ${a.placeholderCompany}, email = ${placeholder}, telephone = '', erased_at = ${a.at}
      where id = ${a.clientId}`,
    // The consent's time stays (the contract's proof), not the address it came from. The service ends with the client;
    // a trial that had expired stays `expired` (the accounting record says how it ended).
    sql`update subscriptions set consent_ip = '0.0.0.0',
        status = case when ended_at is null and status not in ('expired', 'cancelled') then 'cancelled' else status end, ended_at = coalesce(ended_at, ${a.at})
      where client_id = ${a.clientId}`,
    sql`update contact_messages set nom = '', email = ${placeholder}, entreprise = null, telephone = null, message = '', ip = '0.0.0.0'
      where email ~* ${exact}`,
    // What the embedded SMTP sink received for the client (or about it: same Message-ID as its outbox rows).
    sql`delete from mail_sink_messages where message_id in (select message_id from email_outbox where ${clientEmails})
      or raw ~* ${anywhere} or exists (select 1 from unnest(envelope_to) r where r ~* ${exact})`,
    // The outbox keeps each e-mail's kind, status and dates; its recipients and the parameters of its body go. One still
    // waiting would now go nowhere: it is given up.
    sql`update email_outbox set
        recipients = array(select case when r ~* ${exact} then ${placeholder} else r end from unnest(recipients) r),
        reply_to = case when reply_to ~* ${exact} then ${placeholder} else reply_to end,
        params = '{}'::jsonb, secret_refs = '{}'::jsonb, provider_response = ${scrub(sql`provider_response`)},
        last_error = case when status in ('queued', 'failed', 'sending') then ${a.emailCancelled} else ${scrub(sql`last_error`)} end,
        status = case when status in ('queued', 'failed', 'sending') then 'dead' else status end
      where ${clientEmails}`,
    sql`update deployment_events set params = ${scrub(sql`params::text`)}::jsonb, detail = ${scrub(sql`detail`)}
      where deployment_id in (${clientDeployments}) and (params::text ~* ${anywhere} or detail ~* ${anywhere})`,
    sql`update deployments set error = ${scrub(sql`error`)} where id in (${clientDeployments}) and error ~* ${anywhere}`,
    sql`update alerts set params = params || jsonb_build_object('company', ${a.placeholderCompany}::text)
      where (client_id = ${a.clientId} or stack_id in (${clientStacks})) and params ? 'company'`,
    sql`update alerts set params = ${scrub(sql`params::text`)}::jsonb where params::text ~* ${anywhere}`,
    sql`update alert_events set detail = ${scrub(sql`detail`)} where detail ~* ${anywhere}`,
    // The API's stored answers (Idempotency-Key) of the client's creation hold its company.
    sql`delete from idempotency_keys where response #>> '{stack,client,id}' = ${String(a.clientId)}`,
    // Contact changes keep which fields changed, not their values.
    sql`update audit_log set details = jsonb_build_object('fields', details->'fields') where client_id = ${a.clientId} and action = ${CONTACT_CHANGE_ACTION}`,
  ];
  // One after the other: in a transaction, `ex` is a single connection.
  for (const statement of statements) await ex.execute(statement);
}

/** Each of the client's stacks' latest delete deployment, by stack. */
export async function latestDeletions(ex: Executor, clientId: number): Promise<number[]> {
  const { rows } = await ex.execute<{ id: number }>(sql`select distinct on (d.stack_id) d.id from deployments d join stacks s on s.id = d.stack_id
    where s.client_id = ${clientId} and d.kind = 'delete' order by d.stack_id, d.id desc`);
  return rows.map((row) => Number(row.id));
}
