// Sign-in (password, then TOTP code if enrolled), sign-out, and account activation links.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CookieSerializeOptions } from '@fastify/cookie';
import { readStrings } from '../../forms/form-fields.ts';
import { t } from '../../i18n/index.ts';
import type { AccountsService } from '../../staff/accounts.service.ts';
import type { SignInResult, SignInService } from '../../staff/sign-in.service.ts';
import { newCsrfToken } from '../csrf.ts';
import { sendHtml } from '../html.ts';
import { invalidSetupLinkPage, secondFactorPage, setupPage, signInPage } from './views/auth.views.ts';

interface AuthDeps {
  signIn: SignInService;
  accounts: AccountsService;
  cookie: CookieSerializeOptions;
  cookieName: string;
}

/** Only a path inside the dashboard: an open redirect would turn the sign-in page into a phishing relay. */
function safeNext(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/admin(\/[^\s\\]*)?(\?[^\s\\]*)?$/.test(value) && !value.startsWith('//') ? value : undefined;
}

export async function authPages(app: FastifyInstance, deps: AuthDeps): Promise<void> {
  const publicRoute = { config: { access: 'public' as const } };
  const codeRoute = { config: { access: 'second-factor' as const } };

  /** Signs in and sets the session cookie; the caller answers. */
  async function startSession(request: FastifyRequest, reply: FastifyReply, email: string, password: string): Promise<SignInResult> {
    const result = await deps.signIn.signIn(email, password, { ip: request.ip, userAgent: request.headers['user-agent'] });
    if (result.status === 'signed-in') reply.setCookie(deps.cookieName, result.token, deps.cookie);
    return result;
  }

  app.get('/connexion', publicRoute, async (request, reply) => {
    if (request.staff && !request.staff.secondFactorPending) return reply.redirect('/admin', 303);
    const query = request.query as { suite?: unknown; fin?: unknown };
    const notice = query.fin === 'deconnecte' ? t('admin.signIn.signedOut') : safeNext(query.suite) ? t('admin.signIn.expired') : undefined;
    return sendHtml(reply, signInPage({ csrfToken: await newCsrfToken(reply), next: safeNext(query.suite), notice }));
  });

  app.post('/connexion', publicRoute, async (request, reply) => {
    const form = readStrings(request.body, 300);
    const email = (form.email ?? '').trim();
    const next = safeNext(form.suite);
    const result = await startSession(request, reply, email, form.password ?? '');
    if (result.status === 'signed-in') return reply.redirect(result.secondFactor ? '/admin/connexion/code' : (next ?? '/admin'), 303);
    const error = result.status === 'throttled' ? t('admin.signIn.throttled', { minutes: result.minutes }) : t('admin.signIn.invalid');
    return sendHtml(reply, signInPage({ csrfToken: await newCsrfToken(reply), email, next, error }), result.status === 'throttled' ? 429 : 401);
  });

  app.get('/connexion/code', codeRoute, async (_request, reply) =>
    sendHtml(reply, secondFactorPage({ csrfToken: await newCsrfToken(reply) })));

  app.post('/connexion/code', codeRoute, async (request, reply) => {
    const code = readStrings(request.body, 20).code ?? '';
    const result = await deps.signIn.verifySecondFactor(request.staff!, code, request.ip);
    if (result === 'verified') return reply.redirect('/admin', 303);
    const error = result === 'throttled' ? t('admin.signIn.throttled', { minutes: 15 }) : t('admin.code.invalid');
    return sendHtml(reply, secondFactorPage({ csrfToken: await newCsrfToken(reply), error }), result === 'throttled' ? 429 : 401);
  });

  app.post('/deconnexion', publicRoute, async (request, reply) => {
    if (request.staff) await deps.signIn.signOut(request.staff);
    reply.clearCookie(deps.cookieName, { path: deps.cookie.path });
    return reply.redirect('/admin/connexion?fin=deconnecte', 303);
  });

  app.get('/activation/:token', publicRoute, async (request, reply) => {
    const { token } = request.params as { token: string };
    const user = await deps.accounts.findSetupAccount(token);
    if (!user) return sendHtml(reply, invalidSetupLinkPage(), 404);
    return sendHtml(reply, setupPage({ csrfToken: await newCsrfToken(reply), token, name: user.name, email: user.email }));
  });

  app.post('/activation/:token', publicRoute, async (request, reply) => {
    const { token } = request.params as { token: string };
    const form = readStrings(request.body, 300);
    const password = form.password ?? '';
    const result = await deps.accounts.completeSetup(token, password, form.confirmation ?? '', request.ip);
    if (result.status === 'invalid-link') return sendHtml(reply, invalidSetupLinkPage(), 404);
    if (result.status === 'weak') {
      const user = (await deps.accounts.findSetupAccount(token))!;
      return sendHtml(reply, setupPage({ csrfToken: await newCsrfToken(reply), token, name: user.name, email: user.email, error: t(`admin.password.${result.problem}`) }), 422);
    }
    const signedIn = await startSession(request, reply, result.user.email, password);
    return reply.redirect(signedIn.status === 'signed-in' ? '/admin?fait=welcome' : '/admin/connexion', 303);
  });
}
