// The refusals every client use case shares: no such client (404), or a client whose personal data was erased
// (410: it existed, and nothing about the person is left to read or change).
import { AppError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Executor } from '../db/database.ts';
import { type ClientRow, findClient } from './clients.repository.ts';

export function clientNotFound(id: number): AppError {
  return new AppError(404, 'client-not-found', t('api.error.unknownClient', { id }));
}

export function clientErased(id: number): AppError {
  return new AppError(410, 'client-erased', t('api.error.clientErased', { id }));
}

/** The client, if it exists and was not erased; `lock`: its row locked until the end of the transaction. */
export async function liveClient(ex: Executor, id: number, options: { lock?: boolean } = {}): Promise<ClientRow> {
  const client = await findClient(ex, id, options);
  if (!client) throw clientNotFound(id);
  if (client.erasedAt) throw clientErased(id);
  return client;
}
