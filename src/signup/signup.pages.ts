// The trial form: /essai (and the old /demo and /felicitations links).
import type { FastifyInstance } from 'fastify';
import { csrfRetry, newCsrfToken } from '../http/csrf.ts';
import { replyError } from '../http/errors.ts';
import { sendHtml } from '../http/html.ts';
import { alreadyRegisteredPage } from '../http/public/views/already-registered.ts';
import { trialFormPage } from '../http/public/views/trial-form.ts';
import { t } from '../i18n/index.ts';
import type { Plan } from '../plans/plan.ts';
import { readStrings } from '../forms/form-fields.ts';
import { parseSignupForm } from './signup-form.ts';
import type { SignupService } from './signup.service.ts';

export async function signupPages(app: FastifyInstance, opts: { signup: SignupService; plans: readonly Plan[] }) {
  const plans = [...opts.plans];

  app.get<{ Querystring: { plan?: string } }>('/essai', async (request, reply) => {
    const plan = typeof request.query.plan === 'string' ? request.query.plan : undefined;
    const chosen = plans.find((p) => p.id === plan);
    if (chosen && !chosen.selfService) return reply.redirect('/contact?sujet=enterprise', 303);
    const csrfToken = await newCsrfToken(reply);
    return sendHtml(reply, trialFormPage({ values: { plan: chosen?.id ?? 'essai' }, errors: {}, plans, csrfToken }));
  });

  const retry = csrfRetry(async (request, reply) => {
    const values = readStrings(request.body);
    return sendHtml(reply, trialFormPage({ values, errors: {}, plans, csrfToken: await newCsrfToken(reply), notice: t('common.error.csrf') }), 403);
  });

  app.post('/essai', { preHandler: app.csrfProtection, errorHandler: retry }, async (request, reply) => {
    const form = parseSignupForm(request.body, plans);
    if (!form.ok) {
      if (form.honeypot) return replyError(request, reply, 400);
      return sendHtml(reply, trialFormPage({ values: form.values, errors: form.errors, plans, csrfToken: await newCsrfToken(reply) }), 422);
    }
    const result = await opts.signup.startTrial(form.value, { ip: request.ip });
    switch (result.kind) {
      case 'created':
        return reply.redirect(`/deploiement/${result.trackingToken}`, 303);
      case 'already-registered':
        return sendHtml(reply, alreadyRegisteredPage(), 409);
      case 'rate-limited':
        reply.header('retry-after', '3600');
        return replyError(request, reply, 429);
    }
  });

  // Links from the old site keep working.
  app.get<{ Querystring: { plan?: string } }>('/demo', async (request, reply) => {
    const plan = typeof request.query.plan === 'string' ? request.query.plan : '';
    return reply.redirect(plan ? `/essai?plan=${encodeURIComponent(plan)}` : '/essai', 301);
  });
  app.get('/felicitations', async (_request, reply) => reply.redirect('/', 301));
}
