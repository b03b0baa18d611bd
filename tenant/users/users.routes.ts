// Users pages: list and add, delete (with a confirmation page).
import type { FastifyInstance } from 'fastify';
import { setFlash } from '../auth/flash.ts';
import type { PageEnv } from '../auth/guard.ts';
import { currentUser, pageContext } from '../auth/guard.ts';
import { formText, parseId } from '../http/form.ts';
import { t } from '../i18n/index.ts';
import { userDeletePage, usersPage } from '../views/users.views.ts';
import type { NewUserForm } from '../views/users.views.ts';
import { MAX_PASSWORD_LENGTH } from './users.service.ts';
import type { UsersService } from './users.service.ts';

export async function usersRoutes(app: FastifyInstance, deps: { users: UsersService; pageEnv: PageEnv }): Promise<void> {
  const { users, pageEnv } = deps;

  async function render(request: Parameters<typeof currentUser>[0], reply: Parameters<typeof pageContext>[1], form: NewUserForm) {
    const actor = currentUser(request);
    return usersPage({ ctx: pageContext(request, reply, pageEnv), currentId: actor.id, users: await users.list(), form });
  }

  app.get('/utilisateurs', async (request, reply) => {
    return reply.type('text/html').send(await render(request, reply, { username: '', errors: {} }));
  });

  app.post('/utilisateurs', async (request, reply) => {
    const username = formText(request.body, 'username', { max: 200 });
    const password = formText(request.body, 'password', { trim: false, max: MAX_PASSWORD_LENGTH + 1 });
    const result = await users.createUser(currentUser(request), { username, password });
    if (result.ok) {
      request.log.info({ userId: result.user.id }, 'user created');
      setFlash(reply, 'flash.userCreated', pageEnv.secureCookies);
      return reply.redirect('/utilisateurs', 303);
    }
    const { form: formKey, ...fieldErrors } = result.errors;
    const formError = result.quota
      ? (result.quota.message ?? t('users.error.quota', { used: result.quota.used, limit: result.quota.limit }))
      : formKey && t(formKey);
    return reply
      .code(result.quota ? 403 : 422)
      .type('text/html')
      .send(await render(request, reply, { username, errors: fieldErrors, ...(formError ? { formError } : {}) }));
  });

  app.get<{ Params: { id: string } }>('/utilisateurs/:id/supprimer', async (request, reply) => {
    const id = parseId(request.params.id);
    const user = id && id !== currentUser(request).id ? await users.get(id) : undefined;
    if (!user) return reply.callNotFound();
    return reply.type('text/html').send(userDeletePage(pageContext(request, reply, pageEnv), user));
  });

  app.post<{ Params: { id: string } }>('/utilisateurs/:id/supprimer', async (request, reply) => {
    const id = parseId(request.params.id);
    const outcome = id ? await users.deleteUser(currentUser(request), id) : 'not-found';
    if (outcome !== 'deleted') return reply.callNotFound();
    request.log.info({ userId: id }, 'user deleted');
    setFlash(reply, 'flash.userDeleted', pageEnv.secureCookies);
    return reply.redirect('/utilisateurs', 303);
  });
}
