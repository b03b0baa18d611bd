// The guard of every signed-in page: a valid session cookie for an existing user whose session version
// still matches, and, while the initial password is in use, nowhere to go but the password page.
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { PlatformClient } from '../platform/platform.client.ts';
import type { User } from '../users/users.repository.ts';
import type { PageContext } from '../views/layout.ts';
import { takeFlash } from './flash.ts';
import { clearSession, readSession } from './session.ts';

/** Pages reachable while the password must still be changed. */
export const PASSWORD_PATH = '/mot-de-passe';
const ALLOWED_WHILE_RESTRICTED = new Set([PASSWORD_PATH, '/deconnexion']);

const currentUsers = new WeakMap<FastifyRequest, User>();

export function currentUser(request: FastifyRequest): User {
  const user = currentUsers.get(request);
  if (!user) throw new Error('currentUser() called on a route without the session guard');
  return user;
}

export function createSessionGuard(deps: { loadUser: (id: string) => Promise<User | undefined>; secureCookies: boolean }): preHandlerAsyncHookHandler {
  return async function sessionGuard(request, reply) {
    const session = readSession(request);
    const user = session ? await deps.loadUser(session.userId) : undefined;
    if (!session || !user || user.sessionVersion !== session.version) {
      if (session) clearSession(reply, deps.secureCookies);
      return reply.redirect('/connexion', 303);
    }
    currentUsers.set(request, user);
    const path = request.routeOptions.url ?? request.url;
    if (user.mustChangePassword && !ALLOWED_WHILE_RESTRICTED.has(path)) {
      return reply.redirect(PASSWORD_PATH, 303);
    }
  };
}

export interface PageEnv {
  company: string;
  secureCookies: boolean;
  platform: Pick<PlatformClient, 'peekSubscription'>;
}

/** What every signed-in page needs: company, user, CSRF token, pending flash, subscription banner. */
export function pageContext(request: FastifyRequest, reply: FastifyReply, env: PageEnv): PageContext {
  const user = currentUser(request);
  return {
    company: env.company,
    username: user.username,
    csrfToken: reply.generateCsrf(),
    flash: request.method === 'GET' ? takeFlash(request, reply, env.secureCookies) : undefined,
    subscription: env.platform.peekSubscription(),
    restricted: user.mustChangePassword,
  };
}
