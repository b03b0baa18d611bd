// « Mon compte »: every signed-in person manages their own password, TOTP and sessions.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readStrings } from '../../forms/form-fields.ts';
import { t } from '../../i18n/index.ts';
import type { AccountsService } from '../../staff/accounts.service.ts';
import type { SecondFactorService } from '../../staff/second-factor.service.ts';
import type { SignInService } from '../../staff/sign-in.service.ts';
import { actorOf, noticeOf, redirectWithNotice, renderAdmin } from './admin-request.ts';
import { accountBody, type AccountPageOptions } from './views/account.views.ts';
import { SESSION_COOKIE } from './session-cookie.ts';

export async function accountPages(app: FastifyInstance, deps: { signIn: SignInService; accounts: AccountsService; secondFactor: SecondFactorService }): Promise<void> {
  async function render(request: FastifyRequest, reply: FastifyReply, extra: Partial<AccountPageOptions>, status = 200) {
    const body = (csrfToken: string) => accountBody({ user: request.staff!.user, csrfToken, notice: noticeOf(request), ...extra });
    return renderAdmin(request, reply, { title: t('admin.account.title'), section: 'account', body, hasErrors: status >= 400 }, status);
  }

  app.get('/compte', async (request, reply) => {
    const wantsTotp = (request.query as { totp?: string }).totp === '1' && request.staff!.user.totpSecret === null;
    const enrolment = wantsTotp ? await deps.secondFactor.startTotpEnrolment(actorOf(request)) : undefined;
    return render(request, reply, { enrolment });
  });

  app.post('/compte/mot-de-passe', async (request, reply) => {
    const form = readStrings(request.body, 300);
    const result = await deps.accounts.changePassword(actorOf(request), form.current ?? '', form.password ?? '', form.confirmation ?? '');
    if (result === 'done') return redirectWithNotice(reply, '/admin/compte', 'passwordChanged');
    const message = result === 'wrong-password' ? t('admin.password.wrong') : t(`admin.password.${result}`);
    return render(request, reply, { passwordError: message }, 422);
  });

  app.post('/compte/totp', async (request, reply) => {
    const form = readStrings(request.body, 100);
    const actor = actorOf(request);
    if (await deps.secondFactor.confirmTotp(actor, form.secret ?? '', form.code ?? '')) return redirectWithNotice(reply, '/admin/compte', 'totpEnabled');
    // The person has already scanned this secret: show it again rather than a new one.
    const enrolment = await deps.secondFactor.startTotpEnrolment(actor, form.secret);
    return render(request, reply, { enrolment: { ...enrolment, error: t('admin.account.totp.invalid') } }, 422);
  });

  app.post('/compte/totp/desactiver', async (request, reply) => {
    const password = readStrings(request.body, 300).password ?? '';
    if (await deps.secondFactor.disableTotp(actorOf(request), password)) return redirectWithNotice(reply, '/admin/compte', 'totpDisabled');
    return render(request, reply, { totpError: t('admin.password.wrong') }, 422);
  });

  app.post('/compte/sessions', async (request, reply) => {
    await deps.signIn.signOutEverywhere(actorOf(request));
    reply.clearCookie(SESSION_COOKIE, { path: '/admin' });
    return reply.redirect('/admin/connexion?fin=deconnecte', 303);
  });
}
