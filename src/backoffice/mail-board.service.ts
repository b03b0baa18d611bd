// « E-mails » in the dashboard: the outbox with its statuses, the staff resend, and, when the embedded SMTP
// sink stands in for a real server (no SMTP_URL), the messages it received.
import type pg from 'pg';
import type { Actor } from '../audit/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { refuseErasedClient, refuseErasedEmail } from '../clients/erased-client.ts';
import type { Db } from '../db/database.ts';
import { withTransaction } from '../db/transaction.ts';
import type { Queue } from '../jobs/queue.ts';
import type { MailTemplateName } from '../mail/mail-templates.ts';
import { getSinkMessage, listSinkMessagesPage, type SinkMessageRow } from '../mail/mail-sink.repository.ts';
import type { QueueEmail } from '../mail/outbox.ts';
import { getEmail, getEmailForUpdate, requeueEmail } from '../mail/outbox.repository.ts';
import { requirePermission } from '../staff/access.ts';
import { listOutbox, type OutboxFilter, type OutboxListItem } from './mail-board.repository.ts';

export type { OutboxFilter, OutboxListItem } from './mail-board.repository.ts';

export const OUTBOX_PAGE_SIZE = 50;
export const INBOX_PAGE_SIZE = 50;

export type ResendResult =
  | { status: 'requeued' }
  | { status: 'copied'; copyId: number }
  | { status: 'not-found' }
  /** Queued or being sent: it is already on its way. */
  | { status: 'in-progress' };

export type SinkMessageSummary = Omit<SinkMessageRow, 'raw'>;

export interface SinkMessageView {
  message: SinkMessageSummary;
  from: string;
  to: string;
  replyTo?: string;
  date?: Date;
  text: string;
  hasHtml: boolean;
}

export interface MailBoardDeps {
  db: Db;
  pool: pg.Pool;
  queue: Pick<Queue, 'send'>;
  queueEmail: QueueEmail;
  /** The embedded SMTP sink receives the e-mails (no SMTP_URL): its inbox can be read. */
  localInbox: boolean;
  now?: () => Date;
}

async function parseMessage(raw: string) {
  // Loaded on first use, as the sink and `erpbtp mail show` do: it weighs on start-up.
  const { simpleParser } = await import('mailparser');
  return simpleParser(raw);
}

export function createMailBoardService(deps: MailBoardDeps) {
  const now = deps.now ?? (() => new Date());

  async function list(actor: Actor, filter: OutboxFilter): Promise<{ emails: OutboxListItem[]; next?: number }> {
    requirePermission(actor, 'dashboard:read');
    const rows = await listOutbox(deps.db, filter, OUTBOX_PAGE_SIZE + 1);
    const emails = rows.slice(0, OUTBOX_PAGE_SIZE);
    return { emails, next: rows.length > OUTBOX_PAGE_SIZE ? emails.at(-1)!.id : undefined };
  }

  /**
   * A failed or dead e-mail is due again now; a sent one is sent again as a new e-mail (new dedupe key, new
   * Message-ID, so receivers do not drop it as a duplicate) with the same template, parameters and secret
   * references. Either way a `mail.deliver` job wakes a worker, in the same transaction as the audit row.
   * An e-mail of a client whose data was erased (RGPD), or emptied by an erasure, is refused (ConflictError
   * `client-erased`): its client's row is locked first, as the erasure does, so that neither misses the other.
   */
  async function resend(actor: Actor, id: number): Promise<ResendResult> {
    requirePermission(actor, 'instances:operate');
    return withTransaction(deps.pool, async (transaction) => {
      const { tx, sql } = transaction;
      const clientId = (await getEmail(tx, id))?.clientId;
      if (clientId) await refuseErasedClient(tx, clientId, { lock: true });
      const email = await getEmailForUpdate(tx, id);
      if (!email) return { status: 'not-found' } as const;
      refuseErasedEmail(email);
      if (email.status === 'queued' || email.status === 'sending') return { status: 'in-progress' } as const;
      const audit = { action: 'email.resent', target: { type: 'email', id }, clientId: email.clientId };
      if (email.status === 'sent') {
        const copyId = await deps.queueEmail(transaction, {
          template: email.template as MailTemplateName,
          to: email.recipients,
          replyTo: email.replyTo ?? undefined,
          // Stored as they were queued for this template.
          params: email.params as never,
          secrets: email.secretRefs,
          dedupeKey: `resend:${id}:${now().getTime()}`,
          clientId: email.clientId ?? undefined,
          deploymentId: email.deploymentId ?? undefined,
        });
        await recordAudit(tx, actor, { ...audit, details: { mode: 'copy', template: email.template, copyId } });
        return { status: 'copied', copyId } as const;
      }
      await requeueEmail(tx, id, now());
      await deps.queue.send('mail.deliver', { emailId: id }, { db: sql });
      await recordAudit(tx, actor, {
        ...audit, details: { mode: 'requeue', template: email.template, previousStatus: email.status, attempts: email.attempts },
      });
      return { status: 'requeued' } as const;
    });
  }

  // The sink keeps whole messages, the welcome e-mail with its temporary password in clear among them: reading
  // it is a credential reveal (owners and admins, audited), whatever the message. The outbox list stays readable
  // by every role: it never shows a body.
  async function inbox(actor: Actor, before?: number): Promise<{ messages: SinkMessageSummary[]; next?: number } | undefined> {
    requirePermission(actor, 'credentials:reveal');
    if (!deps.localInbox) return undefined;
    const rows = await listSinkMessagesPage(deps.db, { before, limit: INBOX_PAGE_SIZE + 1 });
    const messages = rows.slice(0, INBOX_PAGE_SIZE);
    return { messages, next: rows.length > INBOX_PAGE_SIZE ? messages.at(-1)!.id : undefined };
  }

  async function inboxMessage(actor: Actor, id: number): Promise<SinkMessageView | undefined> {
    requirePermission(actor, 'credentials:reveal');
    if (!deps.localInbox) return undefined;
    const row = await getSinkMessage(deps.db, id);
    if (!row) return undefined;
    const parsed = await parseMessage(row.raw);
    await recordAudit(deps.db, actor, { action: 'email.sinkViewed', target: { type: 'sink_message', id } });
    const { raw: _raw, ...message } = row;
    const to = Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(', ') : parsed.to?.text;
    return {
      message,
      from: parsed.from?.text ?? row.envelopeFrom ?? '',
      to: to ?? row.envelopeTo.join(', '),
      replyTo: parsed.replyTo?.text,
      date: parsed.date,
      text: parsed.text ?? '',
      hasHtml: typeof parsed.html === 'string' && parsed.html.length > 0,
    };
  }

  /** The message's HTML part as received, for a sandboxed frame; undefined when there is none. */
  async function inboxMessageHtml(actor: Actor, id: number): Promise<string | undefined> {
    requirePermission(actor, 'credentials:reveal');
    if (!deps.localInbox) return undefined;
    const row = await getSinkMessage(deps.db, id);
    if (!row) return undefined;
    const parsed = await parseMessage(row.raw);
    return typeof parsed.html === 'string' && parsed.html.length > 0 ? parsed.html : undefined;
  }

  return { list, resend, inbox, inboxMessage, inboxMessageHtml, localInbox: deps.localInbox };
}

export type MailBoardService = ReturnType<typeof createMailBoardService>;
