// « Comptes » (owners only): add a person, change a role, disable an account, issue a new activation link.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type StaffRole, staffRoles } from '../../db/schema.ts';
import { readStrings } from '../../forms/form-fields.ts';
import { t } from '../../i18n/index.ts';
import type { AccountChangeResult, AccountsService, NewAccountProblem } from '../../staff/accounts.service.ts';
import { replyError } from '../errors.ts';
import { actorOf, noticeOf, redirectWithNotice, renderAdmin } from './admin-request.ts';
import { staffBody, type StaffPageOptions } from './views/staff.views.ts';

const FIELD_OF: Record<NewAccountProblem, string> = { email: 'email', name: 'name', role: 'role', taken: 'email' };

export async function staffPages(app: FastifyInstance, deps: { accounts: AccountsService }): Promise<void> {
  const route = { config: { permission: 'staff:manage' as const } };

  async function render(request: FastifyRequest, reply: FastifyReply, extra: Partial<StaffPageOptions>, status = 200) {
    const actor = actorOf(request);
    const users = await deps.accounts.list(actor);
    const body = (csrfToken: string) => staffBody({ users, viewerId: actor.id, csrfToken, notice: noticeOf(request), ...extra });
    return renderAdmin(request, reply, { title: t('admin.staff.title'), section: 'staff', body, hasErrors: status >= 400 }, status);
  }

  function idOf(request: FastifyRequest): number | undefined {
    const id = Number((request.params as { id: string }).id);
    return Number.isSafeInteger(id) && id > 0 ? id : undefined;
  }

  async function answer(request: FastifyRequest, reply: FastifyReply, result: AccountChangeResult, notice: string) {
    if (result === 'done') return redirectWithNotice(reply, '/admin/comptes', notice);
    if (result === 'not-found') return replyError(request, reply, 404);
    return render(request, reply, { error: t(result === 'self' ? 'admin.staff.error.self' : 'admin.staff.error.lastOwner') }, 409);
  }

  app.get('/comptes', route, (request, reply) => render(request, reply, {}));

  app.post('/comptes', route, async (request, reply) => {
    const values = readStrings(request.body, 300);
    const result = await deps.accounts.createAccount(actorOf(request), { email: values.email ?? '', name: values.name ?? '', role: values.role ?? '' });
    if (result.status === 'created') {
      return render(request, reply, { link: { email: result.user.email, url: result.setupUrl, expiresAt: result.expiresAt } }, 201);
    }
    const errors = result.problems.map((problem) => ({ field: FIELD_OF[problem], message: t(`admin.staff.new.error.${problem}`) }));
    return render(request, reply, { form: { values, errors } }, 422);
  });

  app.post('/comptes/:id/role', route, async (request, reply) => {
    const id = idOf(request);
    const role = readStrings(request.body, 20).role;
    if (id === undefined || !(staffRoles as readonly string[]).includes(role ?? '')) return replyError(request, reply, 400);
    return answer(request, reply, await deps.accounts.changeAccount(actorOf(request), id, { role: role as StaffRole }), 'roleChanged');
  });

  for (const [path, disabled] of [['desactiver', true], ['reactiver', false]] as const) {
    app.post(`/comptes/:id/${path}`, route, async (request, reply) => {
      const id = idOf(request);
      if (id === undefined) return replyError(request, reply, 404);
      return answer(request, reply, await deps.accounts.changeAccount(actorOf(request), id, { disabled }), disabled ? 'accountDisabled' : 'accountEnabled');
    });
  }

  app.post('/comptes/:id/lien', route, async (request, reply) => {
    const id = idOf(request);
    const link = id === undefined ? undefined : await deps.accounts.resetLink(actorOf(request), id);
    if (!link) return replyError(request, reply, 404);
    return render(request, reply, { link });
  });
}
