// The contact form, which now keeps every message.
import type { FastifyInstance } from 'fastify';
import { readStrings } from '../forms/form-fields.ts';
import { csrfRetry, newCsrfToken } from '../http/csrf.ts';
import { replyError } from '../http/errors.ts';
import { sendHtml } from '../http/html.ts';
import { contactPage, contactSentPage } from '../http/public/views/contact.ts';
import { t } from '../i18n/index.ts';
import { CONTACT_SUBJECTS, parseContactForm } from './contact-form.ts';
import type { ContactService } from './contact.service.ts';

export async function contactPages(app: FastifyInstance, opts: { contact: ContactService }) {
  app.get<{ Querystring: { sujet?: string } }>('/contact', async (request, reply) => {
    const sujet = CONTACT_SUBJECTS.find((s) => s === request.query.sujet) ?? '';
    return sendHtml(reply, contactPage({ values: { sujet }, errors: {}, csrfToken: await newCsrfToken(reply) }));
  });

  const retry = csrfRetry(async (request, reply) => {
    const values = readStrings(request.body);
    return sendHtml(reply, contactPage({ values, errors: {}, csrfToken: await newCsrfToken(reply), notice: t('common.error.csrf') }), 403);
  });

  app.post('/contact', { preHandler: app.csrfProtection, errorHandler: retry }, async (request, reply) => {
    const form = parseContactForm(request.body);
    const csrfToken = await newCsrfToken(reply);
    if (!form.ok) {
      if (form.honeypot) return replyError(request, reply, 400);
      return sendHtml(reply, contactPage({ values: form.values, errors: form.errors, csrfToken }), 422);
    }
    await opts.contact.submitContactMessage(form.value, { ip: request.ip });
    return sendHtml(reply, contactSentPage());
  });
}
