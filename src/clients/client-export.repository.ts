// What the RGPD export reads beyond the client's own rows: its deployments, the e-mails sent to it or on its behalf,
// the usage its instances reported, its messages through the contact form, and the audit log's entries about it.
import { asc, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { auditLog, contactMessages, deployments, emailOutbox, stacks, usageSamples } from '../db/schema.ts';

/** `lower(column)` is one of the addresses, whatever their case. */
function isOneOf(column: SQL, addresses: readonly string[]): SQL {
  return inArray(sql`lower(${column})`, addresses.map((address) => address.toLowerCase()));
}

export function listClientDeployments(ex: Executor, clientId: number) {
  return ex.select({
    id: deployments.id, stack: stacks.name, kind: deployments.kind, state: deployments.state, createdAt: deployments.createdAt, finishedAt: deployments.finishedAt,
  }).from(deployments).innerJoin(stacks, eq(stacks.id, deployments.stackId)).where(eq(stacks.clientId, clientId)).orderBy(asc(deployments.id));
}

/** The client's e-mails, and those about it sent elsewhere (a contact message forwarded with its address to reply to). */
export function listEmailsOfClient(ex: Executor, clientId: number, addresses: readonly string[]) {
  return ex.select({
    id: emailOutbox.id, template: emailOutbox.template, params: emailOutbox.params, recipients: emailOutbox.recipients, status: emailOutbox.status,
    createdAt: emailOutbox.createdAt, sentAt: emailOutbox.sentAt,
  }).from(emailOutbox)
    .where(or(eq(emailOutbox.clientId, clientId), isOneOf(sql`${emailOutbox.replyTo}`, addresses),
      sql`exists (select 1 from unnest(${emailOutbox.recipients}) r where ${isOneOf(sql`r`, addresses)})`))
    .orderBy(asc(emailOutbox.id));
}

export function listClientUsage(ex: Executor, clientId: number) {
  return ex.select({
    stack: stacks.name, users: usageSamples.users, projects: usageSamples.projects, storageBytes: usageSamples.storageBytes, reportedAt: usageSamples.reportedAt,
  }).from(usageSamples).innerJoin(stacks, eq(stacks.id, usageSamples.stackId)).where(eq(stacks.clientId, clientId)).orderBy(asc(usageSamples.id));
}

export function listContactMessagesFrom(ex: Executor, addresses: readonly string[]) {
  return ex.select().from(contactMessages).where(isOneOf(sql`${contactMessages.email}`, addresses)).orderBy(asc(contactMessages.id));
}

/** Oldest first. */
export function listClientAudit(ex: Executor, clientId: number) {
  return ex.select().from(auditLog).where(eq(auditLog.clientId, clientId)).orderBy(asc(auditLog.id));
}
