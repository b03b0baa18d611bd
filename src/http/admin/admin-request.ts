// What every dashboard handler needs from the request: who is signed in (as an audit actor),
// the page shell with a fresh CSRF token, and one-line notices carried by the redirect after a POST.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../audit/actor.ts';
import { type MessageKey, t } from '../../i18n/index.ts';
import type { OpenSession } from '../../staff/sign-in.service.ts';
import type { Permission } from '../../staff/roles.ts';
import { sendHtml } from '../html.ts';
import { newCsrfToken } from '../csrf.ts';
import { adminLayout, type AdminLayoutOptions } from './views/admin-layout.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The dashboard session, set by the admin plugin's guard. */
    staff?: OpenSession;
  }
  interface FastifyContextConfig {
    /** `public`: no session needed (sign-in pages); `second-factor`: a session awaiting its TOTP code is enough. */
    access?: 'public' | 'second-factor';
    /** Checked before the handler runs; `dashboard:read` when unset. */
    permission?: Permission;
  }
}

export type StaffActor = Extract<Actor, { type: 'staff' }>;

export function actorOf(request: FastifyRequest): StaffActor {
  const user = request.staff!.user;
  return { type: 'staff', id: user.id, label: user.email, role: user.role, ip: request.ip };
}

export interface AdminPage extends Omit<AdminLayoutOptions, 'viewer' | 'csrfToken' | 'body'> {
  /** The page's content; forms in it get the page's CSRF token. */
  body: (csrfToken: string) => string;
}

export async function renderAdmin(request: FastifyRequest, reply: FastifyReply, page: AdminPage, status = 200): Promise<FastifyReply> {
  const user = request.staff!.user;
  const csrfToken = await newCsrfToken(reply);
  const viewer = { name: user.name, email: user.email, role: user.role };
  return sendHtml(reply, adminLayout({ ...page, body: page.body(csrfToken), viewer, csrfToken }), status);
}

/** Notices shown once after an action, named in the redirect (`?fait=trialExtended`): only known keys are shown. */
export function noticeOf(request: FastifyRequest): string | undefined {
  const code = (request.query as { fait?: unknown }).fait;
  if (typeof code !== 'string' || !/^\w{1,40}$/.test(code)) return undefined;
  const key = `admin.notice.${code}` as MessageKey;
  const text = t(key);
  return text === key ? undefined : text;
}

export function redirectWithNotice(reply: FastifyReply, path: string, notice: string): FastifyReply {
  const separator = path.includes('?') ? '&' : '?';
  return reply.redirect(`${path}${separator}fait=${encodeURIComponent(notice)}`, 303);
}
