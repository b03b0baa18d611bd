// « E-mails »: the outbox (every role), the resend (operators), and the embedded SMTP sink's inbox when no
// SMTP_URL is set. The sink pages need `credentials:reveal`, whatever the message: the welcome e-mail carries
// the tenant's temporary password in clear (a demo-only set-up), and sorting messages by template to open the
// others to every role would be one mistake away from showing it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MailBoardService, OutboxFilter } from '../../backoffice/mail-board.service.ts';
import { isErasedRefusal } from '../../clients/erased-client.ts';
import { type EmailStatus, emailStatuses } from '../../db/schema.ts';
import { readStrings } from '../../forms/form-fields.ts';
import { t } from '../../i18n/index.ts';
import { can } from '../../staff/roles.ts';
import { replyError } from '../errors.ts';
import { sendHtml } from '../html.ts';
import { actorOf, noticeOf, redirectWithNotice, renderAdmin } from './admin-request.ts';
import { emailsBody, inboxBody, inboxMessageBody, outboxUrl } from './views/emails.views.ts';

/** The HTML part of a received e-mail is someone else's markup: no script, no request anywhere, no same origin. */
const MAIL_HTML_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox";

const reveal = { config: { permission: 'credentials:reveal' as const } };

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

function idOf(request: IdRequest): number | undefined {
  const id = Number(request.params.id);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

function positive(value: string | undefined): number | undefined {
  const n = Number(value);
  return value && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Filters from the query string (the list) or the form (a resend); anything unknown is ignored. */
function filterOf(values: Record<string, string | undefined>): OutboxFilter {
  const status = (emailStatuses as readonly string[]).includes(values.statut ?? '') ? values.statut as EmailStatus : undefined;
  const recipient = (values.destinataire ?? '').trim().slice(0, 200) || undefined;
  return { status, recipient, before: positive(values.avant) };
}

export async function emailPages(app: FastifyInstance, deps: { mail: MailBoardService }): Promise<void> {
  const { mail } = deps;

  async function renderOutbox(request: FastifyRequest, reply: FastifyReply, filter: OutboxFilter, error?: string, status = 200) {
    const actor = actorOf(request);
    const page = await mail.list(actor, filter);
    const canOperate = can(actor.role, 'instances:operate');
    const showInbox = mail.localInbox && can(actor.role, 'credentials:reveal');
    const body = (csrfToken: string) => emailsBody({ ...page, filter, csrfToken, canOperate, showInbox, notice: noticeOf(request), error });
    return renderAdmin(request, reply, { title: t('admin.emails.title'), section: 'emails', body, hasErrors: status >= 400 }, status);
  }

  app.get('/emails', (request, reply) => renderOutbox(request, reply, filterOf(readStrings(request.query, 200))));

  app.post('/emails/:id/renvoyer', { config: { permission: 'instances:operate' } }, async (request: IdRequest, reply) => {
    const id = idOf(request);
    if (id === undefined) return replyError(request, reply, 404);
    const form = readStrings(request.body, 200);
    const filter = { ...filterOf(form), before: undefined };
    // Sent from a client's page: back to it (only a client page, never an arbitrary address).
    const back = /^\/admin\/clients\/\d{1,15}$/.test(form.retour ?? '') ? form.retour! : outboxUrl(filter);
    let result;
    try {
      result = await mail.resend(actorOf(request), id);
    } catch (error) {
      // An e-mail of an erased client (RGPD): the list, with the reason; nothing is sent.
      if (isErasedRefusal(error)) return renderOutbox(request, reply, filter, error.message, error.status);
      throw error;
    }
    if (result.status === 'not-found') return replyError(request, reply, 404);
    if (result.status === 'in-progress') return renderOutbox(request, reply, filter, t('admin.emails.error.inProgress', { id }), 409);
    return redirectWithNotice(reply, back, result.status === 'copied' ? 'emailCopied' : 'emailRequeued');
  });

  app.get('/emails/boite', reveal, async (request, reply) => {
    const before = positive(readStrings(request.query, 20).avant);
    const page = await mail.inbox(actorOf(request), before);
    if (!page) return replyError(request, reply, 404);
    return renderAdmin(request, reply, { title: t('admin.inbox.title'), section: 'emails', body: () => inboxBody({ ...page, before }) });
  });

  app.get('/emails/boite/:id', reveal, async (request: IdRequest, reply) => {
    const id = idOf(request);
    const view = id === undefined ? undefined : await mail.inboxMessage(actorOf(request), id);
    if (!view) return replyError(request, reply, 404);
    return renderAdmin(request, reply, { title: view.message.subject || t('admin.inbox.noSubject'), section: 'emails', body: () => inboxMessageBody(view) });
  });

  app.get('/emails/boite/:id/html', reveal, async (request: IdRequest, reply) => {
    const id = idOf(request);
    const markup = id === undefined ? undefined : await mail.inboxMessageHtml(actorOf(request), id);
    if (markup === undefined) return replyError(request, reply, 404);
    // Replaces the site-wide policy set by helmet for this response only.
    reply.header('content-security-policy', MAIL_HTML_CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
    return sendHtml(reply, markup);
  });
}
