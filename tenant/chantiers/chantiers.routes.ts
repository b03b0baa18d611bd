// Chantiers pages: list, create, edit, delete (with a confirmation page).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { setFlash } from '../auth/flash.ts';
import type { PageEnv } from '../auth/guard.ts';
import { currentUser, pageContext } from '../auth/guard.ts';
import { parseId } from '../http/form.ts';
import { t } from '../i18n/index.ts';
import { chantierDeletePage, chantierFormPage, chantiersListPage } from '../views/chantiers.views.ts';
import type { ChantiersService, QuotaRefusal } from './chantiers.service.ts';
import { emptyChantierForm, readChantierForm } from './chantiers.validation.ts';

function quotaMessage(quota: QuotaRefusal | undefined): string | undefined {
  return quota ? (quota.message ?? t('chantiers.error.quota', { used: quota.used, limit: quota.limit })) : undefined;
}

export async function chantiersRoutes(app: FastifyInstance, deps: { chantiers: ChantiersService; pageEnv: PageEnv }): Promise<void> {
  const { chantiers, pageEnv } = deps;
  const notFound = (reply: FastifyReply) => reply.callNotFound();

  app.get('/chantiers', async (request, reply) => {
    const list = await chantiers.list(currentUser(request));
    return reply.type('text/html').send(chantiersListPage(pageContext(request, reply, pageEnv), list));
  });

  app.get('/chantiers/nouveau', async (request, reply) => {
    const ctx = pageContext(request, reply, pageEnv);
    return reply.type('text/html').send(chantierFormPage({ ctx, mode: 'create', action: '/chantiers/nouveau', form: emptyChantierForm() }));
  });

  app.post('/chantiers/nouveau', async (request, reply) => {
    const form = readChantierForm(request.body);
    const result = await chantiers.create(currentUser(request), form);
    if (result.ok) {
      request.log.info({ chantierId: result.chantier.id }, 'chantier created');
      setFlash(reply, 'flash.chantierCreated', pageEnv.secureCookies);
      return reply.redirect('/chantiers', 303);
    }
    if ('notFound' in result) return notFound(reply);
    const ctx = pageContext(request, reply, pageEnv);
    return reply
      .code(result.quota ? 403 : 422)
      .type('text/html')
      .send(chantierFormPage({ ctx, mode: 'create', action: '/chantiers/nouveau', form, errors: result.errors, formError: quotaMessage(result.quota) }));
  });

  app.get<{ Params: { id: string } }>('/chantiers/:id/modifier', async (request, reply) => {
    const id = parseId(request.params.id);
    const chantier = id ? await chantiers.get(currentUser(request), id) : undefined;
    if (!chantier) return notFound(reply);
    const form = { ...chantier, startDate: chantier.startDate ?? '' };
    const ctx = pageContext(request, reply, pageEnv);
    return reply.type('text/html').send(chantierFormPage({ ctx, mode: 'edit', action: `/chantiers/${chantier.id}/modifier`, form }));
  });

  app.post<{ Params: { id: string } }>('/chantiers/:id/modifier', async (request, reply) => {
    const id = parseId(request.params.id);
    if (!id) return notFound(reply);
    const form = readChantierForm(request.body);
    const result = await chantiers.update(currentUser(request), id, form);
    if (result.ok) {
      request.log.info({ chantierId: id }, 'chantier updated');
      setFlash(reply, 'flash.chantierUpdated', pageEnv.secureCookies);
      return reply.redirect('/chantiers', 303);
    }
    if ('notFound' in result) return notFound(reply);
    const ctx = pageContext(request, reply, pageEnv);
    return reply.code(422).type('text/html').send(chantierFormPage({ ctx, mode: 'edit', action: `/chantiers/${id}/modifier`, form, errors: result.errors }));
  });

  app.get<{ Params: { id: string } }>('/chantiers/:id/supprimer', async (request, reply) => {
    const id = parseId(request.params.id);
    const chantier = id ? await chantiers.get(currentUser(request), id) : undefined;
    if (!chantier) return notFound(reply);
    return reply.type('text/html').send(chantierDeletePage(pageContext(request, reply, pageEnv), chantier));
  });

  app.post<{ Params: { id: string } }>('/chantiers/:id/supprimer', async (request, reply) => {
    const id = parseId(request.params.id);
    if (!id || !(await chantiers.delete(currentUser(request), id))) return notFound(reply);
    request.log.info({ chantierId: id }, 'chantier deleted');
    setFlash(reply, 'flash.chantierDeleted', pageEnv.secureCookies);
    return reply.redirect('/chantiers', 303);
  });
}
