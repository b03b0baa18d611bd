// Contact messages are stored (the old site dropped them); forwarding by e-mail comes with the outbox.
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { ContactInput } from './contact-form.ts';
import { createContactMessage } from './contact.repository.ts';

export function createContactService(deps: { db: Db; log: Logger }) {
  async function submitContactMessage(input: ContactInput, context: { ip: string }): Promise<number> {
    const id = await createContactMessage(deps.db, { ...input, ip: context.ip });
    deps.log.info({ contactMessageId: id, sujet: input.sujet }, 'contact message stored');
    return id;
  }
  return { submitContactMessage };
}

export type ContactService = ReturnType<typeof createContactService>;
