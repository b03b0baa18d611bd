// Chantiers: the list (a table that becomes cards on small screens), the form, the delete confirmation.
import { html } from 'ghtml';
import { format, t } from '../i18n/index.ts';
import type { Chantier, ChantierStatus } from '../chantiers/chantiers.repository.ts';
import { CHANTIER_STATUSES } from '../chantiers/chantiers.repository.ts';
import type { ChantierErrors, ChantierForm } from '../chantiers/chantiers.validation.ts';
import { parseDate } from '../chantiers/chantiers.validation.ts';
import { csrfField, errorSummary, field, selectField } from './components.ts';

const STATUS_BADGE: Record<ChantierStatus, string> = { a_venir: 'info', en_cours: 'brand', termine: 'success' };
import { appPage } from './layout.ts';
import type { PageContext } from './layout.ts';

function statusBadge(status: ChantierStatus): string {
  return html`<span class="badge badge--${STATUS_BADGE[status]}">${t(`chantiers.status.${status}`)}</span>`;
}

function row(c: Chantier): string {
  return html`<tr>
    <th scope="row" data-label="${t('chantiers.field.name')}">${c.name}</th>
    <td data-label="${t('chantiers.field.client')}">${c.client}</td>
    <td data-label="${t('chantiers.field.address')}"!${c.address === '' ? ' class="app-table__empty"' : ''}>${c.address}</td>
    <td data-label="${t('chantiers.field.startDate')}">${c.startDate ? format.calendarDate(c.startDate) : t('chantiers.noDate')}</td>
    <td data-label="${t('chantiers.field.status')}">!${statusBadge(c.status)}</td>
    <td class="app-table__actions">
      <a class="btn btn--ghost btn--sm" href="/chantiers/${c.id}/modifier" aria-label="${t('chantiers.editLabel', { name: c.name })}">${t('chantiers.edit')}</a>
      <a class="btn btn--ghost btn--sm app-btn--danger" href="/chantiers/${c.id}/supprimer" aria-label="${t('chantiers.deleteLabel', { name: c.name })}">${t('chantiers.delete')}</a>
    </td>
  </tr>`;
}

export function chantiersListPage(ctx: PageContext, chantiers: readonly Chantier[]): string {
  const count = chantiers.length === 1 ? t('chantiers.count.one') : t('chantiers.count.many', { count: chantiers.length });
  return appPage({
    title: t('chantiers.title'),
    ctx,
    active: 'chantiers',
    actions: html`<a class="btn btn--primary" href="/chantiers/nouveau">${t('chantiers.new')}</a>`,
    body: html`<p class="text-muted app-count">${count}</p>
    !${chantiers.length === 0
      ? html`<div class="card app-empty"><p>${t('chantiers.empty')}</p></div>`
      : html`<div class="table-wrap app-table-wrap"><table class="table app-table">
      <thead><tr>
        <th scope="col">${t('chantiers.field.name')}</th><th scope="col">${t('chantiers.field.client')}</th>
        <th scope="col">${t('chantiers.field.address')}</th><th scope="col">${t('chantiers.field.startDate')}</th>
        <th scope="col">${t('chantiers.field.status')}</th><th scope="col"><span class="visually-hidden">${t('chantiers.actions')}</span></th>
      </tr></thead>
      <tbody>!${chantiers.map(row)}</tbody>
    </table></div>`}`,
  });
}

export function chantierFormPage(o: {
  ctx: PageContext;
  mode: 'create' | 'edit';
  action: string;
  form: ChantierForm;
  errors?: ChantierErrors;
  /** A refusal not tied to a field (quota). */
  formError?: string;
}): string {
  const errors = o.errors ?? {};
  // A date typed as DD/MM/YYYY comes back in the date input's YYYY-MM-DD form; an invalid one is kept as typed.
  const dateValue = o.form.startDate === '' ? '' : (parseDate(o.form.startDate) ?? o.form.startDate);
  return appPage({
    title: t(o.mode === 'create' ? 'chantiers.newTitle' : 'chantiers.editTitle'),
    ctx: o.ctx,
    active: 'chantiers',
    body: html`<div class="form-card app-form-card">
      !${errorSummary(errors, o.formError)}
      <form method="post" action="${o.action}" novalidate>
        !${csrfField(o.ctx.csrfToken)}
        !${field({ name: 'name', label: t('chantiers.field.name'), value: o.form.name, error: errors.name, required: true, maxlength: 120, autofocus: o.mode === 'create' })}
        !${field({ name: 'client', label: t('chantiers.field.client'), value: o.form.client, error: errors.client, required: true, maxlength: 120 })}
        !${field({ name: 'address', label: t('chantiers.field.address'), value: o.form.address, error: errors.address, maxlength: 300, autocomplete: 'off', optional: true })}
        <div class="form-row">
          !${field({ name: 'startDate', label: t('chantiers.field.startDate'), value: dateValue, error: errors.startDate, type: 'date', optional: true })}
          !${selectField({
            name: 'status',
            label: t('chantiers.field.status'),
            value: o.form.status,
            error: errors.status,
            options: CHANTIER_STATUSES.map((s) => ({ value: s, label: t(`chantiers.status.${s}`) })),
          })}
        </div>
        <div class="form-actions">
          <button class="btn btn--primary" type="submit">${t(o.mode === 'create' ? 'chantiers.create' : 'chantiers.save')}</button>
          <a class="btn btn--ghost" href="/chantiers">${t('chantiers.cancel')}</a>
        </div>
      </form>
    </div>`,
  });
}

export function chantierDeletePage(ctx: PageContext, chantier: Chantier): string {
  return appPage({
    title: t('chantiers.deleteTitle'),
    ctx,
    active: 'chantiers',
    body: html`<div class="form-card app-form-card app-form-card--narrow">
      <p>${t('chantiers.deleteConfirm', { name: chantier.name })}</p>
      <form class="form-actions" method="post" action="/chantiers/${chantier.id}/supprimer">
        !${csrfField(ctx.csrfToken)}
        <button class="btn btn--danger" type="submit">${t('chantiers.deleteSubmit')}</button>
        <a class="btn btn--ghost" href="/chantiers">${t('chantiers.cancel')}</a>
      </form>
    </div>`,
  });
}
