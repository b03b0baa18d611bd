// One place turns every failure into an answer: a French page for people, RFC 9457
// problem+json for the API. 4xx say what was wrong; 5xx never leak internals.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { type MessageKey, t } from '../i18n/index.ts';
import { errorPage } from './public/views/error.ts';
import { sendHtml } from './html.ts';

const PAGE_TEXT: Record<number, [MessageKey, MessageKey]> = {
  403: ['common.error.forbidden.title', 'common.error.forbidden.text'],
  404: ['common.error.notFound.title', 'common.error.notFound.text'],
  413: ['common.error.tooLarge.title', 'common.error.tooLarge.text'],
  429: ['common.error.tooMany.title', 'common.error.tooMany.text'],
};

function isApi(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

export function replyError(request: FastifyRequest, reply: FastifyReply, status: number, detail?: string): FastifyReply {
  const [titleKey, textKey] = PAGE_TEXT[status]
    ?? (status >= 500 ? ['common.error.server.title', 'common.error.server.text'] : ['common.error.badRequest.title', 'common.error.badRequest.text']);
  if (isApi(request)) {
    return reply.code(status).type('application/problem+json').send({
      type: 'about:blank', title: t(titleKey), status, ...(detail ? { detail } : {}), instance: request.url,
    });
  }
  return sendHtml(reply, errorPage({ status, title: t(titleKey), text: t(textKey) }), status);
}

export function handleError(error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AppError) {
    request.log.info({ code: error.code, status: error.status }, 'request refused');
    return replyError(request, reply, error.status);
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: error.code, status }, 'request rejected');
  return replyError(request, reply, status, status < 500 ? error.message : undefined);
}

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => replyError(request, reply, 404));
}
