// Contact messages are stored and forwarded to the sales address in the same transaction (through the
// e-mail outbox): a message is never lost, even when the mail server is down.
import type pg from 'pg';
import type { Logger } from 'pino';
import { withTransaction } from '../db/transaction.ts';
import { t } from '../i18n/index.ts';
import type { QueueEmail } from '../mail/outbox.ts';
import type { ContactInput } from './contact-form.ts';
import { createContactMessage } from './contact.repository.ts';

const DEDUPE_PREFIX = 'contact:';

/** The contact message an outbox e-mail forwards, if it forwards one. */
export function forwardedContactId(dedupeKey: string): number | undefined {
  return dedupeKey.startsWith(DEDUPE_PREFIX) ? Number(dedupeKey.slice(DEDUPE_PREFIX.length)) : undefined;
}

export function createContactService(deps: { pool: pg.Pool; queueEmail: QueueEmail; salesEmail: string; log: Logger }) {
  async function submitContactMessage(input: ContactInput, context: { ip: string }): Promise<number> {
    const id = await withTransaction(deps.pool, async (transaction) => {
      const message = await createContactMessage(transaction.tx, { ...input, ip: context.ip });
      await deps.queueEmail(transaction, {
        template: 'contact-forward',
        to: [deps.salesEmail],
        replyTo: input.email,
        dedupeKey: `${DEDUPE_PREFIX}${message.id}`,
        params: {
          nom: input.nom, email: input.email, entreprise: input.entreprise, telephone: input.telephone,
          sujet: t(`site.contact.sujet.${input.sujet}`), message: input.message, receivedAt: message.createdAt.toISOString(),
        },
      });
      return message.id;
    });
    deps.log.info({ contactMessageId: id, sujet: input.sujet }, 'contact message stored and queued for the sales team');
    return id;
  }
  return { submitContactMessage };
}

export type ContactService = ReturnType<typeof createContactService>;
