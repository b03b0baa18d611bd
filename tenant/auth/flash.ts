// One-shot messages across a redirect ("Le chantier a été créé."), in a short-lived signed cookie that
// only ever holds a catalogue key from this allow-list.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TenantMessageKey } from '../i18n/index.ts';
import { cookieOptions } from './session.ts';

const FLASH_COOKIE = 'erp_flash';
export const FLASH_KEYS = [
  'flash.loggedOut',
  'flash.passwordChanged',
  'flash.chantierCreated',
  'flash.chantierUpdated',
  'flash.chantierDeleted',
  'flash.userCreated',
  'flash.userDeleted',
] as const satisfies readonly TenantMessageKey[];
export type FlashKey = (typeof FLASH_KEYS)[number];

export function setFlash(reply: FastifyReply, key: FlashKey, secure: boolean): void {
  reply.setCookie(FLASH_COOKIE, key, cookieOptions(secure, 60));
}

/** Returns the pending message, if any, and clears it. */
export function takeFlash(request: FastifyRequest, reply: FastifyReply, secure: boolean): FlashKey | undefined {
  const raw = request.cookies[FLASH_COOKIE];
  if (!raw) return undefined;
  reply.clearCookie(FLASH_COOKIE, cookieOptions(secure));
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid ? FLASH_KEYS.find((key) => key === unsigned.value) : undefined;
}
