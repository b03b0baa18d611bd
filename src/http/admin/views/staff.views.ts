// « Comptes »: the team's accounts, their roles, a form to add one, and the role table.
import { html } from 'ghtml';
import { format, t } from '../../../i18n/index.ts';
import { type StaffRole, staffRoles } from '../../../db/schema.ts';
import type { StaffUser } from '../../../staff/staff.repository.ts';
import { alert, badge, button, csrfField, type FieldError, errorSummary, selectField, textField } from '../../views/components.ts';

export interface StaffPageOptions {
  users: StaffUser[];
  viewerId: number;
  csrfToken: string;
  notice?: string;
  error?: string;
  /** A link just issued: shown once. */
  link?: { email: string; url: string; expiresAt: Date };
  form?: { values: Record<string, string | undefined>; errors: FieldError[] };
}

const roleOptions = () => staffRoles.map((role) => ({ value: role, label: t(`admin.role.${role}`) }));

function status(user: StaffUser): string {
  if (user.disabledAt) return badge({ kind: 'error', text: t('admin.staff.status.disabled') });
  if (!user.passwordHash) return badge({ kind: 'warning', text: t('admin.staff.status.pending') });
  return badge({ kind: 'success', text: t('admin.staff.status.active') });
}

function row(user: StaffUser, o: StaffPageOptions): string {
  const self = user.id === o.viewerId;
  const actions = self ? '' : html`<div class="cluster cluster--sm">
    <form method="post" action="/admin/comptes/${user.id}/role" class="inline-form">!${csrfField(o.csrfToken)}
      <label class="visually-hidden" for="role-${user.id}">${t('admin.staff.roleOf', { name: user.name })}</label>
      <select class="select select--sm" id="role-${user.id}" name="role">!${staffRoles.map((role) => html`<option value="${role}"!${role === user.role ? ' selected' : ''}>${t(`admin.role.${role}`)}</option>`)}</select>
      !${button({ label: t('admin.staff.changeRole'), variant: 'secondary', size: 'sm' })}
    </form>
    <form method="post" action="/admin/comptes/${user.id}/${user.disabledAt ? 'reactiver' : 'desactiver'}">!${csrfField(o.csrfToken)}!${button({ label: t(user.disabledAt ? 'admin.staff.enable' : 'admin.staff.disable'), variant: user.disabledAt ? 'secondary' : 'danger', size: 'sm' })}</form>
    <form method="post" action="/admin/comptes/${user.id}/lien">!${csrfField(o.csrfToken)}!${button({ label: t('admin.staff.resetLink'), variant: 'ghost', size: 'sm' })}</form>
  </div>`;
  return html`<tr>
    <th scope="row">${user.name}!${self ? html` <span class="text-muted">${t('admin.staff.you')}</span>` : ''}</th>
    <td>${user.email}</td>
    <td>${t(`admin.role.${user.role}`)}!${user.totpSecret ? html` ${badge({ kind: 'info', text: t('admin.staff.totp') })}` : ''}</td>
    <td>!${status(user)}</td>
    <td class="nowrap">${user.lastLoginAt ? format.dateTime(user.lastLoginAt) : t('admin.staff.never')}</td>
    <td>!${actions}</td>
  </tr>`;
}

export function staffBody(o: StaffPageOptions): string {
  const values = o.form?.values ?? {};
  const errorOf = (field: string) => o.form?.errors.find((e) => e.field === field)?.message;
  return html`<div class="stack stack--lg">
  <header><h1>${t('admin.staff.title')}</h1><p class="lead">${t('admin.staff.intro')}</p></header>
  !${o.notice ? alert({ kind: 'success', text: o.notice, live: true }) : ''}
  !${o.error ? alert({ kind: 'error', text: o.error, live: true }) : ''}
  !${o.link ? alert({ kind: 'info', title: t('admin.staff.link.title', { email: o.link.email }), bodyHtml: html`<p>${t('admin.staff.link.text', { date: format.dateTime(o.link.expiresAt) })}</p><p><code class="mono break-all">${o.link.url}</code></p>`, live: true }) : ''}
  <div class="table-wrap" role="region" aria-labelledby="comptes-titre" tabindex="0">
    <table class="table table--dense">
      <caption id="comptes-titre">${t('admin.staff.table')}</caption>
      <thead><tr><th scope="col">${t('admin.staff.col.name')}</th><th scope="col">${t('admin.staff.col.email')}</th><th scope="col">${t('admin.staff.col.role')}</th><th scope="col">${t('admin.staff.col.status')}</th><th scope="col">${t('admin.staff.col.lastLogin')}</th><th scope="col">${t('admin.staff.col.actions')}</th></tr></thead>
      <tbody>!${o.users.map((user) => row(user, o))}</tbody>
    </table>
  </div>
  <div class="grid grid--2">
    <section class="card stack" aria-labelledby="nouveau-compte">
      <h2 id="nouveau-compte" class="card__title">${t('admin.staff.new.title')}</h2>
      !${o.form ? errorSummary(o.form.errors) : ''}
      <form method="post" action="/admin/comptes" class="stack" novalidate>
        !${csrfField(o.csrfToken)}
        !${textField({ name: 'name', label: t('admin.staff.new.name'), value: values.name, error: errorOf('name'), required: true, autocomplete: 'off', maxLength: 100 })}
        !${textField({ name: 'email', label: t('admin.staff.new.email'), type: 'email', value: values.email, error: errorOf('email'), required: true, autocomplete: 'off', spellcheck: false })}
        !${selectField({ name: 'role', label: t('admin.staff.new.role'), options: roleOptions(), value: values.role ?? 'viewer', error: errorOf('role'), required: true, placeholder: false })}
        <div>!${button({ label: t('admin.staff.new.submit') })}</div>
      </form>
    </section>
    <section class="card stack" aria-labelledby="roles">
      <h2 id="roles" class="card__title">${t('admin.staff.rolesTitle')}</h2>
      <dl class="kv">!${staffRoles.map((role: StaffRole) => html`<dt>${t(`admin.role.${role}`)}</dt><dd>${t(`admin.role.${role}.help`)}</dd>`)}</dl>
    </section>
  </div>
</div>`;
}
