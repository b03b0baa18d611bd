// Queuing an e-mail: a row in the outbox, written in the caller's transaction, and a job that wakes a
// worker to send it. If the transaction rolls back, neither exists.
import type { Transaction } from '../db/transaction.ts';
import type { EmailSecretRef } from '../db/schema.ts';
import type { Queue } from '../jobs/queue.ts';
import type { MailTemplateName, StoredParams } from './mail-templates.ts';
import { insertEmail } from './outbox.repository.ts';

export interface EmailRequest<N extends MailTemplateName> {
  template: N;
  to: string[];
  replyTo?: string;
  params: StoredParams<N>;
  /** Secrets the template needs, by parameter name, decrypted only when the e-mail is sent. */
  secrets?: Record<string, EmailSecretRef>;
  /** The cause, once: a second request with the same key is ignored. */
  dedupeKey: string;
  clientId?: number;
  deploymentId?: number;
}

export type QueueEmail = <N extends MailTemplateName>(transaction: Transaction, request: EmailRequest<N>) => Promise<number>;

/** `messageDomain`: the right-hand side of our Message-IDs (the public host name). */
export function createEmailQueuer(deps: { queue: Pick<Queue, 'send'>; messageDomain: string }): QueueEmail {
  return async ({ tx, sql }, request) => {
    const { id, created } = await insertEmail(tx, {
      template: request.template,
      recipients: request.to,
      replyTo: request.replyTo ?? null,
      params: request.params as Record<string, string | number | null>,
      secretRefs: request.secrets ?? {},
      dedupeKey: request.dedupeKey,
      clientId: request.clientId ?? null,
      deploymentId: request.deploymentId ?? null,
    }, deps.messageDomain);
    if (created) await deps.queue.send('mail.deliver', { emailId: id }, { db: sql });
    return id;
  };
}
