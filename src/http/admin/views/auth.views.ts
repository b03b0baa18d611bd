// Sign-in, second factor and account activation forms.
import { html } from 'ghtml';
import { t } from '../../../i18n/index.ts';
import { alert, button, csrfField, hiddenField, textField } from '../../views/components.ts';
import { adminAuthLayout } from './admin-layout.ts';

export function signInPage(o: { csrfToken: string; email?: string; next?: string; error?: string; notice?: string }): string {
  const body = html`<div class="card card--raised admin-auth__card stack">
  <h1>${t('admin.signIn.title')}</h1>
  !${o.notice ? alert({ kind: 'info', text: o.notice, live: true }) : ''}
  !${o.error ? alert({ kind: 'error', text: o.error, live: true }) : ''}
  <form method="post" action="/admin/connexion" class="stack" novalidate>
    !${csrfField(o.csrfToken)}!${o.next ? hiddenField('suite', o.next) : ''}
    !${textField({ name: 'email', label: t('admin.signIn.email'), type: 'email', value: o.email, autocomplete: 'username', required: true, spellcheck: false, autocapitalize: 'none' })}
    !${textField({ name: 'password', label: t('admin.signIn.password'), type: 'password', autocomplete: 'current-password', required: true })}
    !${button({ label: t('admin.signIn.submit'), block: true })}
  </form>
  <p class="text-small text-muted">${t('admin.signIn.forgot')}</p>
</div>`;
  return adminAuthLayout({ title: t('admin.signIn.title'), body, hasErrors: Boolean(o.error) });
}

export function secondFactorPage(o: { csrfToken: string; error?: string }): string {
  const body = html`<div class="card card--raised admin-auth__card stack">
  <h1>${t('admin.code.title')}</h1>
  <p>${t('admin.code.intro')}</p>
  !${o.error ? alert({ kind: 'error', text: o.error, live: true }) : ''}
  <form method="post" action="/admin/connexion/code" class="stack" novalidate>
    !${csrfField(o.csrfToken)}
    !${textField({ name: 'code', label: t('admin.code.label'), autocomplete: 'one-time-code', inputMode: 'numeric', maxLength: 7, required: true, inputClass: 'input--short', error: o.error ? t('admin.code.invalid') : undefined })}
    !${button({ label: t('admin.code.submit'), block: true })}
  </form>
  <form method="post" action="/admin/deconnexion">!${csrfField(o.csrfToken)}<button class="btn btn--link" type="submit">${t('admin.code.cancel')}</button></form>
</div>`;
  return adminAuthLayout({ title: t('admin.code.title'), body, hasErrors: Boolean(o.error) });
}

export function setupPage(o: { csrfToken: string; token: string; name: string; email: string; error?: string }): string {
  const body = html`<div class="card card--raised admin-auth__card stack">
  <h1>${t('admin.setup.title')}</h1>
  <p>${t('admin.setup.intro', { name: o.name, email: o.email })}</p>
  !${o.error ? alert({ kind: 'error', text: o.error, live: true }) : ''}
  <form method="post" action="/admin/activation/${o.token}" class="stack" novalidate>
    !${csrfField(o.csrfToken)}
    <input type="hidden" name="username" value="${o.email}" autocomplete="username">
    !${textField({ name: 'password', label: t('admin.setup.password'), type: 'password', autocomplete: 'new-password', hint: t('admin.setup.passwordHint'), required: true })}
    !${textField({ name: 'confirmation', label: t('admin.setup.confirmation'), type: 'password', autocomplete: 'new-password', required: true })}
    !${button({ label: t('admin.setup.submit'), block: true })}
  </form>
</div>`;
  return adminAuthLayout({ title: t('admin.setup.title'), body, hasErrors: Boolean(o.error) });
}

export function invalidSetupLinkPage(): string {
  const body = html`<div class="card card--raised admin-auth__card stack">
  <h1>${t('admin.setup.invalidLink.title')}</h1>
  <p>${t('admin.setup.invalidLink.text')}</p>
  <p><a href="/admin/connexion">${t('admin.signIn.title')}</a></p>
</div>`;
  return adminAuthLayout({ title: t('admin.setup.invalidLink.title'), body });
}
