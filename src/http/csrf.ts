// CSRF checks that do not lose what a person typed: a form posted with a missing or stale
// token comes back filled in, with a message, instead of an error page.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { handleError } from './errors.ts';

export function newCsrfToken(reply: FastifyReply): Promise<string> {
  return Promise.resolve(reply.generateCsrf());
}

/**
 * A route error handler: CSRF failures (raised by `app.csrfProtection` after the body was
 * parsed) re-render the form through `retry`; anything else goes to the global handler.
 */
export function csrfRetry(retry: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      request.log.info({ code: error.code }, 'form posted with a stale CSRF token');
      return retry(request, reply);
    }
    return handleError(error, request, reply);
  };
}
