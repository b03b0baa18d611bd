// Sends the outbox: reserves due e-mails (one worker each, across processes), renders them with their
// secrets decrypted at that moment, hands them to SMTP, and records the outcome. Refusals for now and
// unreachable servers are retried with a bounded exponential backoff, as long as it takes (and at once
// when another e-mail gets through, so an outage ends for all as soon as it ends); a 5xx for the
// message is final ("dead"). A crash after the server accepted but before the outcome is recorded resends
// the e-mail once the lease ends, with the same Message-ID, which receivers deduplicate.
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { EmailSecretRef } from '../db/schema.ts';
import { renderEmail } from './mail-templates.ts';
import { MailDeliveryError, type MailTransport } from './mail-transport.ts';
import { type EmailRow, expediteRetries, markEmailDead, markEmailRetry, markEmailSent, nextDueAt, reserveDueEmails } from './outbox.repository.ts';

export interface MailDeliverySettings {
  from: string;
  supportEmail: string;
  retryBaseMs: number;
  retryMaxMs: number;
  leaseMs: number;
  /** Crash tests: SIGKILL this process once the server accepted an e-mail, before it is recorded. */
  killAfterSent?: boolean;
}

export interface MailDeliveryDeps {
  db: Db;
  transport: MailTransport;
  /** Decrypts a secret an e-mail refers to. */
  resolveSecret: (ref: EmailSecretRef) => Promise<string>;
  /** Called once an e-mail is recorded as sent (tracking events, contact forwarding date). */
  onSent?: (email: EmailRow) => Promise<void>;
  /** Called once a failed attempt is recorded: `final` when the e-mail is given up (dead), which opens an alert. */
  onFailed?: (email: EmailRow, failure: { final: boolean; reason: string }) => Promise<void>;
  settings: MailDeliverySettings;
  log: Logger;
  now?: () => Date;
}

export type DeliveryOutcome = 'sent' | 'retry' | 'dead';
type SendResult = { outcome: 'sent' | 'dead' } | { outcome: 'retry'; reason: string };

const BATCH = 50;

export function createMailDelivery(deps: MailDeliveryDeps) {
  const now = deps.now ?? (() => new Date());
  const { settings, log } = deps;

  /** Sends the given e-mail if it is due and no other worker holds it; undefined when it was not ours to send. */
  async function deliver(emailId: number): Promise<DeliveryOutcome | undefined> {
    const [email] = await reserveDueEmails(deps.db, { now: now(), leaseMs: settings.leaseMs, limit: 1, ids: [emailId] });
    if (!email) return undefined;
    const result = await send(email);
    if (result.outcome === 'retry') log.warn({ emailId, template: email.template, attempt: email.attempts, reason: result.reason }, 'e-mail not sent, will retry');
    return result.outcome;
  }

  /** Sends every due e-mail, a batch at a time; returns how many were attempted. */
  async function deliverDue(): Promise<number> {
    let attempted = 0;
    for (;;) {
      const batch = await reserveDueEmails(deps.db, { now: now(), leaseMs: settings.leaseMs, limit: BATCH });
      if (batch.length === 0) return attempted;
      attempted += batch.length;
      // The transport's pool bounds how many are on the wire at once.
      const results = await Promise.all(batch.map(send));
      logRetries(results);
      // The server is back (or was never down): e-mails waiting out a backoff from an outage go now.
      if (results.some((r) => r.outcome === 'sent')) await expediteRetries(deps.db, now());
    }
  }

  /** One line per reason and round, not one per e-mail: an SMTP outage must not flood the logs. */
  function logRetries(results: SendResult[]): void {
    const byReason = new Map<string, number>();
    for (const r of results) if (r.outcome === 'retry') byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + 1);
    for (const [reason, emails] of byReason) log.warn({ emails, reason }, 'e-mails not sent, will retry');
  }

  async function send(email: EmailRow): Promise<SendResult> {
    const elog = log.child({ emailId: email.id, template: email.template, attempt: email.attempts });
    let message;
    try {
      message = await compose(email);
    } catch (error) {
      // A template that cannot render will not render next time either.
      elog.error({ err: error }, 'e-mail cannot be rendered: dead');
      const reason = `rendering failed: ${(error as Error).message}`;
      await markEmailDead(deps.db, email.id, reason);
      await deps.onFailed?.(email, { final: true, reason });
      return { outcome: 'dead' };
    }
    try {
      const response = await deps.transport.send({
        from: settings.from, to: email.recipients, replyTo: email.replyTo ?? undefined, messageId: email.messageId, ...message,
      });
      if (settings.killAfterSent) process.kill(process.pid, 'SIGKILL');
      await markEmailSent(deps.db, email.id, response, now());
      elog.info({ response }, 'e-mail sent');
      await deps.onSent?.(email);
      return { outcome: 'sent' };
    } catch (error) {
      const reason = (error as Error).message;
      if (error instanceof MailDeliveryError && error.permanent) {
        elog.error({ reason }, 'e-mail refused by the server: dead');
        await markEmailDead(deps.db, email.id, reason);
        await deps.onFailed?.(email, { final: true, reason });
        return { outcome: 'dead' };
      }
      await markEmailRetry(deps.db, email.id, reason, new Date(now().getTime() + retryDelay(email.attempts, settings)));
      await deps.onFailed?.(email, { final: false, reason });
      return { outcome: 'retry', reason };
    }
  }

  async function compose(email: EmailRow) {
    const secrets: Record<string, string> = {};
    for (const [name, ref] of Object.entries(email.secretRefs)) secrets[name] = await deps.resolveSecret(ref);
    return renderEmail(email.template, { ...email.params, ...secrets, supportEmail: settings.supportEmail });
  }

  /** When the next e-mail waiting for an attempt (or a lease to end) is due. */
  const nextDue = () => nextDueAt(deps.db);

  return { deliver, deliverDue, nextDue };
}

export type MailDelivery = ReturnType<typeof createMailDelivery>;

/** Exponential backoff from the base, capped, with jitter in [delay/2, delay]. */
export function retryDelay(attempt: number, settings: Pick<MailDeliverySettings, 'retryBaseMs' | 'retryMaxMs'>): number {
  const delay = Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(delay / 2 + Math.random() * (delay / 2));
}
