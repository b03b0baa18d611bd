// Login and password-change pages.
import { html } from 'ghtml';
import { t } from '../i18n/index.ts';
import type { TenantMessageKey } from '../i18n/index.ts';
import { alert, csrfField, errorSummary, field } from './components.ts';
import { appPage, publicPage } from './layout.ts';
import type { PageContext } from './layout.ts';

export function loginPage(o: {
  company: string;
  csrfToken: string;
  username?: string;
  error?: TenantMessageKey;
  flash?: TenantMessageKey | undefined;
}): string {
  return publicPage({
    title: t('login.title'),
    company: o.company,
    flash: o.flash,
    body: html`<h1 class="app-public__title">${t('login.heading')}</h1>
      <p class="form-intro">${t('login.intro', { company: o.company })}</p>
      !${o.error ? alert('error', t(o.error), { role: 'alert' }) : ''}
      <form method="post" action="/connexion" novalidate>
        !${csrfField(o.csrfToken)}
        !${field({ name: 'username', label: t('login.username'), value: o.username ?? '', required: true, autocomplete: 'username', autofocus: !o.username, maxlength: 64 })}
        !${field({ name: 'password', label: t('login.password'), type: 'password', required: true, autocomplete: 'current-password', autofocus: Boolean(o.username) })}
        <button class="btn btn--primary btn--block" type="submit">${t('login.submit')}</button>
      </form>
      <p class="form-legal">${t('login.help')}</p>`,
  });
}

export type PasswordErrors = Partial<Record<'current' | 'next' | 'confirmation', TenantMessageKey>>;

export function passwordPage(o: { ctx: PageContext; forced: boolean; errors?: PasswordErrors }): string {
  const errors = o.errors ?? {};
  return appPage({
    title: t('password.title'),
    ctx: o.ctx,
    active: 'password',
    body: html`<div class="form-card app-form-card app-form-card--narrow">
      !${o.forced ? alert('info', t('password.forced')) : ''}
      !${errorSummary(errors)}
      <form method="post" action="/mot-de-passe" novalidate>
        !${csrfField(o.ctx.csrfToken)}
        <input type="text" name="username" value="${o.ctx.username}" autocomplete="username" hidden>
        !${field({ name: 'current', label: t('password.current'), type: 'password', required: true, autocomplete: 'current-password', error: errors.current, autofocus: true })}
        !${field({ name: 'next', label: t('password.new'), type: 'password', required: true, autocomplete: 'new-password', hint: t('password.newHint'), error: errors.next, maxlength: 200 })}
        !${field({ name: 'confirmation', label: t('password.confirm'), type: 'password', required: true, autocomplete: 'new-password', error: errors.confirmation, maxlength: 200 })}
        <div class="form-actions"><button class="btn btn--primary" type="submit">${t('password.submit')}</button></div>
      </form>
    </div>`,
  });
}
