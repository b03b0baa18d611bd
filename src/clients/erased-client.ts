// An erased client (RGPD, client-erasure.service.ts) keeps an anonymised record for accounting, and nothing acts on it
// any more: no change of subscription, no operation on its instances, no e-mail sent again, no credentials shown.
// Every write the dashboard offers on a client, its stack, its subscription or its e-mails asks here first, so that a
// forged request is refused (409 `client-erased`) and changes nothing, whatever the page showed.
import { eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { clients } from '../db/schema.ts';
import { AppError, ConflictError } from '../errors.ts';
import { format, t } from '../i18n/index.ts';

export const CLIENT_ERASED = 'client-erased';

export function erasedClientConflict(clientId: number, erasedAt: Date): ConflictError {
  return new ConflictError(CLIENT_ERASED, t('admin.error.clientErased', { id: clientId, date: format.date(erasedAt) }));
}

/**
 * Refuses when the client's personal data was erased. `lock`, in a transaction: the client's row is share-locked until
 * its end, so that an erasure under way is waited for and seen, and one that starts waits for the caller's change (which
 * it then anonymises with the rest). Lock the client before the rows the erasure also writes (subscription, e-mails).
 */
export async function refuseErasedClient(ex: Executor, clientId: number, options: { lock?: boolean } = {}): Promise<void> {
  const query = ex.select({ erasedAt: clients.erasedAt }).from(clients).where(eq(clients.id, clientId));
  const [row] = await (options.lock ? query.for('share') : query);
  if (row?.erasedAt) throw erasedClientConflict(clientId, row.erasedAt);
}

/** The placeholder an erasure puts in place of every address of the client (`erasedEmail` in client-erasure.repository.ts). */
const ERASED_ADDRESS = /^efface-\d+@efface\.invalid$/i;

export function isErasedAddress(address: string): boolean {
  return ERASED_ADDRESS.test(address);
}

/**
 * Refuses an e-mail an erasure emptied: sent to an erased client, or on its behalf (a contact message forwarded with
 * its address to reply to). Its parameters are gone and its recipient is a placeholder: there is nothing left to send.
 */
export function refuseErasedEmail(email: { id: number; recipients: readonly string[]; replyTo: string | null }): void {
  if ([...email.recipients, email.replyTo ?? ''].some(isErasedAddress)) {
    throw new ConflictError(CLIENT_ERASED, t('admin.error.emailErased', { id: email.id }));
  }
}

/** A refusal of this module: the dashboard shows its message where the action was asked. */
export function isErasedRefusal(error: unknown): error is AppError {
  return error instanceof AppError && error.code === CLIENT_ERASED;
}
