// Users of the instance: the list, the form to add a colleague, the delete confirmation.
import { html } from 'ghtml';
import { format, t } from '../i18n/index.ts';
import type { TenantMessageKey } from '../i18n/index.ts';
import type { User } from '../users/users.repository.ts';
import { csrfField, errorSummary, field } from './components.ts';
import { appPage } from './layout.ts';
import type { PageContext } from './layout.ts';

export interface NewUserForm {
  username: string;
  errors: Partial<Record<'username' | 'password', TenantMessageKey>>;
  formError?: string;
}

function row(user: User, currentId: string): string {
  return html`<tr>
    <th scope="row" data-label="${t('users.username')}">${user.username}!${user.id === currentId ? html` <span class="text-muted">${t('users.you')}</span>` : ''}</th>
    <td data-label="${t('users.createdAt')}">${format.date(user.createdAt)}</td>
    <td data-label="${t('users.state')}">${t(user.mustChangePassword ? 'users.state.mustChange' : 'users.state.active')}</td>
    <td class="app-table__actions">!${user.id === currentId
      ? ''
      : html`<a class="btn btn--ghost btn--sm app-btn--danger" href="/utilisateurs/${user.id}/supprimer" aria-label="${t('users.deleteLabel', { username: user.username })}">${t('users.delete')}</a>`}</td>
  </tr>`;
}

export function usersPage(o: { ctx: PageContext; currentId: string; users: readonly User[]; form: NewUserForm }): string {
  const { form } = o;
  return appPage({
    title: t('users.title'),
    ctx: o.ctx,
    active: 'users',
    body: html`<div class="table-wrap app-table-wrap"><table class="table app-table">
      <thead><tr><th scope="col">${t('users.username')}</th><th scope="col">${t('users.createdAt')}</th><th scope="col">${t('users.state')}</th><th scope="col"><span class="visually-hidden">${t('chantiers.actions')}</span></th></tr></thead>
      <tbody>!${o.users.map((u) => row(u, o.currentId))}</tbody>
    </table></div>
    <section class="form-card app-form-card" aria-labelledby="nouvel-utilisateur">
      <h2 class="card__title" id="nouvel-utilisateur">${t('users.newHeading')}</h2>
      <p class="form-intro">${t('users.newIntro')}</p>
      !${errorSummary(form.errors, form.formError)}
      <form method="post" action="/utilisateurs" novalidate>
        !${csrfField(o.ctx.csrfToken)}
        !${field({ name: 'username', label: t('users.username'), value: form.username, error: form.errors.username, required: true, maxlength: 64, autocomplete: 'off' })}
        !${field({ name: 'password', label: t('users.tempPassword'), type: 'password', error: form.errors.password, required: true, maxlength: 200, autocomplete: 'new-password' })}
        <div class="form-actions"><button class="btn btn--primary" type="submit">${t('users.create')}</button></div>
      </form>
    </section>`,
  });
}

export function userDeletePage(ctx: PageContext, user: User): string {
  return appPage({
    title: t('users.deleteTitle'),
    ctx,
    active: 'users',
    body: html`<div class="form-card app-form-card app-form-card--narrow">
      <p>${t('users.deleteConfirm', { username: user.username })}</p>
      <form class="form-actions" method="post" action="/utilisateurs/${user.id}/supprimer">
        !${csrfField(ctx.csrfToken)}
        <button class="btn btn--danger" type="submit">${t('users.deleteSubmit')}</button>
        <a class="btn btn--ghost" href="/utilisateurs">${t('chantiers.cancel')}</a>
      </form>
    </div>`,
  });
}
