// « Clés d’API »: the keys (name, prefix, scopes, expiry, last use, state), the form to create one,
// and, once, the key just created with the warning that it will never be shown again.
import { html } from 'ghtml';
import type { ApiKeyListing, ApiKeyState } from '../../../api-keys/api-keys.service.ts';
import { type ApiScope, apiScopes } from '../../../db/schema.ts';
import { format, t } from '../../../i18n/index.ts';
import { alert, badge, button, csrfField, errorSummary, type FieldError, fieldId, textField } from '../../views/components.ts';
import { icon } from '../../views/icons.ts';

export interface ApiKeysPageOptions {
  keys: (ApiKeyListing & { state: ApiKeyState })[];
  csrfToken: string;
  notice?: string;
  /** The key just created: its only appearance. */
  created?: { name: string; key: string };
  form?: { values: { name?: string; scopes?: readonly string[]; expiresAt?: string }; errors: FieldError[] };
}

const STATE_BADGE = { active: 'success', expired: 'warning', revoked: 'error' } as const;

function row(key: ApiKeysPageOptions['keys'][number], csrfToken: string): string {
  const revoke = key.state === 'revoked' ? '' : html`<form method="post" action="/admin/cles-api/${key.id}/revoquer">!${csrfField(csrfToken)}!${button({ label: t('admin.apiKeys.revoke'), variant: 'danger', size: 'sm' })}<span class="visually-hidden"> ${t('admin.apiKeys.revokeLabel', { name: key.name })}</span></form>`;
  return html`<tr>
    <th scope="row">${key.name}</th>
    <td class="mono">${key.prefix}…</td>
    <td>${key.scopes.join(', ')}</td>
    <td class="nowrap">${key.expiresAt ? format.dateTime(key.expiresAt) : t('admin.apiKeys.noExpiry')}</td>
    <td class="nowrap">${key.lastUsedAt ? format.dateTime(key.lastUsedAt) : t('admin.apiKeys.never')}</td>
    <td>!${badge({ kind: STATE_BADGE[key.state], text: t(`admin.apiKeys.state.${key.state}`) })}</td>
    <td>!${revoke}</td>
  </tr>`;
}

function scopeBoxes(checked: readonly string[], error: string | undefined): string {
  const boxes = apiScopes.map((scope: ApiScope, i) => {
    const id = i === 0 ? fieldId('scopes') : `${fieldId('scopes')}-${scope.replace(':', '-')}`;
    return html`<div class="checkbox">
      <input id="${id}" name="scopes" type="checkbox" value="${scope}"!${checked.includes(scope) ? ' checked' : ''}>
      <label for="${id}"><span class="mono">${scope}</span> — ${t(`api.scope.${scope}`)}</label>
    </div>`;
  });
  return html`<fieldset class="field!${error ? ' field--error' : ''}"!${error ? html` aria-describedby="${fieldId('scopes')}-error"` : ''}>
    <legend class="field__label">${t('admin.apiKeys.new.scopes')}</legend>
    !${error ? html`<p class="field__error" id="${fieldId('scopes')}-error">!${icon('error')}<span>${error}</span></p>` : ''}
    <div class="stack stack--sm">!${boxes}</div>
  </fieldset>`;
}

function createdAlert(created: NonNullable<ApiKeysPageOptions['created']>): string {
  return alert({
    kind: 'warning', live: true, title: t('admin.apiKeys.created.title', { name: created.name }),
    bodyHtml: html`<p>${t('admin.apiKeys.created.warning')}</p><p><code class="mono break-all" id="nouvelle-cle">${created.key}</code></p>`,
  });
}

export function apiKeysBody(o: ApiKeysPageOptions): string {
  const values = o.form?.values ?? {};
  const errorOf = (field: string) => o.form?.errors.find((e) => e.field === field)?.message;
  const table = o.keys.length === 0 ? html`<p class="text-muted">${t('admin.apiKeys.empty')}</p>` : html`<div class="table-wrap" role="region" aria-labelledby="cles-titre" tabindex="0">
    <table class="table table--dense">
      <caption id="cles-titre">${t('admin.apiKeys.table')}</caption>
      <thead><tr><th scope="col">${t('admin.apiKeys.col.name')}</th><th scope="col">${t('admin.apiKeys.col.prefix')}</th><th scope="col">${t('admin.apiKeys.col.scopes')}</th><th scope="col">${t('admin.apiKeys.col.expiresAt')}</th><th scope="col">${t('admin.apiKeys.col.lastUsedAt')}</th><th scope="col">${t('admin.apiKeys.col.state')}</th><th scope="col">${t('admin.apiKeys.col.actions')}</th></tr></thead>
      <tbody>!${o.keys.map((key) => row(key, o.csrfToken))}</tbody>
    </table>
  </div>`;
  return html`<div class="stack stack--lg">
  <header><h1>${t('admin.apiKeys.title')}</h1><p class="lead">${t('admin.apiKeys.intro')} <a href="/api/docs">${t('admin.apiKeys.docs')}</a></p></header>
  !${o.created ? createdAlert(o.created) : ''}
  !${o.notice ? alert({ kind: 'success', text: o.notice, live: true }) : ''}
  !${table}
  <section class="card stack" aria-labelledby="nouvelle-cle-titre">
    <h2 id="nouvelle-cle-titre" class="card__title">${t('admin.apiKeys.new.title')}</h2>
    !${o.form ? errorSummary(o.form.errors) : ''}
    <form method="post" action="/admin/cles-api" class="stack" novalidate>
      !${csrfField(o.csrfToken)}
      !${textField({ name: 'name', label: t('admin.apiKeys.new.name'), hint: t('admin.apiKeys.new.nameHint'), value: values.name, error: errorOf('name'), required: true, autocomplete: 'off', maxLength: 100 })}
      !${scopeBoxes(values.scopes ?? [], errorOf('scopes'))}
      !${textField({ name: 'expiresAt', label: t('admin.apiKeys.new.expiresAt'), hint: t('admin.apiKeys.new.expiresAtHint'), type: 'date', value: values.expiresAt, error: errorOf('expiresAt'), showOptional: true })}
      <div>!${button({ label: t('admin.apiKeys.new.submit') })}</div>
    </form>
  </section>
</div>`;
}
