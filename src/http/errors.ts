// One place turns every failure into an answer: a French page for people, RFC 9457
// problem+json for the API. 4xx say what was wrong; 5xx never leak internals.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldProblem, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { type MessageKey, t } from '../i18n/index.ts';
import { errorPage } from './public/views/error.ts';
import { sendHtml } from './html.ts';

const PAGE_TEXT: Record<number, [MessageKey, MessageKey]> = {
  403: ['common.error.forbidden.title', 'common.error.forbidden.text'],
  404: ['common.error.notFound.title', 'common.error.notFound.text'],
  413: ['common.error.tooLarge.title', 'common.error.tooLarge.text'],
  429: ['common.error.tooMany.title', 'common.error.tooMany.text'],
};

/** The API's stable code of an HTTP status, when nothing more precise is known. */
const STATUS_CODES: Record<number, string> = {
  400: 'bad-request', 401: 'unauthenticated', 403: 'forbidden', 404: 'not-found', 405: 'method-not-allowed', 406: 'not-acceptable',
  409: 'conflict', 413: 'payload-too-large', 414: 'uri-too-long', 415: 'unsupported-media-type', 422: 'validation-failed', 429: 'rate-limited',
};

/** Where the problem types are documented (docs/api.md); each code has its page. */
export const PROBLEM_TYPE_BASE = 'https://erp-btp.fr/problemes/';

export interface Problem {
  status: number;
  /** Stable English code, e.g. `stack-not-found`. */
  code: string;
  /** French explanation of this occurrence; the code's catalogue text when omitted. */
  detail?: string;
  errors?: readonly FieldProblem[];
}

function isApi(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

function pageTitle(status: number): string {
  const [titleKey] = PAGE_TEXT[status] ?? (status >= 500 ? ['common.error.server.title'] : ['common.error.badRequest.title']);
  return t(titleKey);
}

function catalogued(key: string): string | undefined {
  const text = t(key as MessageKey);
  return text === key ? undefined : text;
}

/** An RFC 9457 problem: `type` and `code` for programs, `title` and `detail` in French for people. */
export function replyProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
  const detail = problem.detail ?? catalogued(`api.problem.${problem.code}.detail`);
  return reply.code(problem.status).type('application/problem+json').send({
    type: `${PROBLEM_TYPE_BASE}${problem.code}`,
    title: catalogued(`api.problem.${problem.code}.title`) ?? pageTitle(problem.status),
    status: problem.status, ...(detail ? { detail } : {}), instance: request.url.split('?')[0], code: problem.code,
    ...(problem.errors?.length ? { errors: problem.errors } : {}),
  });
}

export function replyError(request: FastifyRequest, reply: FastifyReply, status: number, detail?: string): FastifyReply {
  if (isApi(request)) {
    return replyProblem(request, reply, { status, code: STATUS_CODES[status] ?? (status >= 500 ? 'internal-error' : 'bad-request'), detail });
  }
  const [titleKey, textKey] = PAGE_TEXT[status]
    ?? (status >= 500 ? ['common.error.server.title', 'common.error.server.text'] : ['common.error.badRequest.title', 'common.error.badRequest.text']);
  return sendHtml(reply, errorPage({ status, title: t(titleKey), text: t(textKey) }), status);
}

/** Schema validation of an API request: a body that breaks its schema is 422, a bad query, path or header 400. */
function validationProblem(error: FastifyError): Problem {
  const part = error.validationContext ?? 'body';
  const errors = (error.validation ?? []).slice(0, 20).map((v): FieldProblem => {
    const missing = (v.params as { missingProperty?: string; additionalProperty?: string });
    const path = [v.instancePath.replace(/^\//, '').replaceAll('/', '.'), missing.missingProperty ?? missing.additionalProperty ?? '']
      .filter(Boolean).join('.');
    return { field: part === 'body' ? path || 'body' : `${part}${path ? `.${path}` : ''}`, message: v.message ?? 'invalide' };
  });
  return part === 'body'
    ? { status: 422, code: 'validation-failed', errors }
    : { status: 400, code: 'invalid-request', errors };
}

const PARSE_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-body',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-body',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
};

function handleApiError(error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AppError) {
    request.log.info({ code: error.code, status: error.status }, 'API request refused');
    const fields = error instanceof ValidationError ? error.fields : undefined;
    // The generic refusals' messages are written for logs: their code's catalogue text speaks to people.
    const generic = error instanceof ForbiddenError || error instanceof NotFoundError;
    const detail = (generic ? catalogued(`api.problem.${error.code}.detail`) : undefined) ?? error.message;
    return replyProblem(request, reply, { status: error.status, code: error.code, detail, errors: fields });
  }
  if (error.validation) {
    const problem = validationProblem(error);
    request.log.info({ code: problem.code, errors: problem.errors }, 'API request rejected');
    return replyProblem(request, reply, problem);
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
    return replyProblem(request, reply, { status: 500, code: 'internal-error' });
  }
  request.log.info({ code: error.code, status }, 'API request rejected');
  const code = PARSE_CODES[error.code] ?? STATUS_CODES[status] ?? 'bad-request';
  return replyProblem(request, reply, { status, code, detail: catalogued(`api.problem.${code}.detail`) ?? error.message });
}

export function handleError(error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isApi(request)) return handleApiError(error, request, reply);
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
