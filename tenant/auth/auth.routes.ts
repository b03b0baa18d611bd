// Sign in, sign out, change password.
import type { FastifyInstance } from 'fastify';
import { formText } from '../http/form.ts';
import type { UsersService } from '../users/users.service.ts';
import { MAX_PASSWORD_LENGTH } from '../users/users.service.ts';
import { loginPage, passwordPage } from '../views/auth.views.ts';
import { setFlash, takeFlash } from './flash.ts';
import { currentUser, pageContext, PASSWORD_PATH } from './guard.ts';
import type { PageEnv } from './guard.ts';
import { clearSession, readSession, writeSession } from './session.ts';

export interface AuthRouteDeps {
  users: UsersService;
  pageEnv: PageEnv;
}

/** Public routes: the login page and form. */
export async function loginRoutes(app: FastifyInstance, deps: AuthRouteDeps): Promise<void> {
  const { company, secureCookies } = deps.pageEnv;

  app.get('/connexion', async (request, reply) => {
    if (readSession(request)) return reply.redirect('/', 303);
    const flash = takeFlash(request, reply, secureCookies);
    return reply.type('text/html').send(loginPage({ company, csrfToken: reply.generateCsrf(), flash }));
  });

  app.post('/connexion', async (request, reply) => {
    const username = formText(request.body, 'username', { max: 200 });
    const password = formText(request.body, 'password', { trim: false, max: MAX_PASSWORD_LENGTH + 1 });
    const result = await deps.users.authenticate(username, password);
    if (result.kind !== 'ok') {
      request.log.info({ outcome: result.kind }, 'login refused');
      const error = result.kind === 'throttled' ? 'login.throttled' : 'login.failed';
      return reply
        .code(result.kind === 'throttled' ? 429 : 401)
        .type('text/html')
        .send(loginPage({ company, csrfToken: reply.generateCsrf(), username, error }));
    }
    request.log.info({ userId: result.user.id }, 'login');
    writeSession(reply, result.user.id, result.user.sessionVersion, secureCookies);
    return reply.redirect(result.user.mustChangePassword ? PASSWORD_PATH : '/', 303);
  });
}

/** Signed-in routes (registered behind the session guard). */
export async function accountRoutes(app: FastifyInstance, deps: AuthRouteDeps): Promise<void> {
  const { secureCookies } = deps.pageEnv;

  app.post('/deconnexion', async (request, reply) => {
    request.log.info({ userId: currentUser(request).id }, 'logout');
    clearSession(reply, secureCookies);
    setFlash(reply, 'flash.loggedOut', secureCookies);
    return reply.redirect('/connexion', 303);
  });

  app.get(PASSWORD_PATH, async (request, reply) => {
    const ctx = pageContext(request, reply, deps.pageEnv);
    return reply.type('text/html').send(passwordPage({ ctx, forced: currentUser(request).mustChangePassword }));
  });

  app.post(PASSWORD_PATH, async (request, reply) => {
    const user = currentUser(request);
    const read = (key: string) => formText(request.body, key, { trim: false, max: MAX_PASSWORD_LENGTH + 1 });
    const result = await deps.users.changePassword(user, { current: read('current'), next: read('next'), confirmation: read('confirmation') });
    if (!result.ok) {
      const ctx = pageContext(request, reply, deps.pageEnv);
      return reply.code(422).type('text/html').send(passwordPage({ ctx, forced: user.mustChangePassword, errors: result.errors }));
    }
    request.log.info({ userId: user.id }, 'password changed');
    writeSession(reply, user.id, result.sessionVersion, secureCookies);
    setFlash(reply, 'flash.passwordChanged', secureCookies);
    return reply.redirect('/', 303);
  });
}
