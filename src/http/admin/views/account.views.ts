// « Mon compte »: identity, password change, TOTP enrolment, sign-out everywhere.
import { html } from 'ghtml';
import { format, t } from '../../../i18n/index.ts';
import type { StaffUser } from '../../../staff/staff.repository.ts';
import { alert, button, csrfField, hiddenField, textField } from '../../views/components.ts';

export interface AccountPageOptions {
  user: StaffUser;
  csrfToken: string;
  notice?: string;
  passwordError?: string;
  /** A TOTP enrolment in progress: the secret to scan and confirm. */
  enrolment?: { secret: string; qrCode: string; error?: string };
  totpError?: string;
}

export function accountBody(o: AccountPageOptions): string {
  const { user } = o;
  return html`<div class="stack stack--lg admin-narrow">
  <h1>${t('admin.account.title')}</h1>
  !${o.notice ? alert({ kind: 'success', text: o.notice, live: true }) : ''}
  <section class="card stack" aria-labelledby="identite">
    <h2 id="identite" class="card__title">${t('admin.account.identity')}</h2>
    <dl class="kv">
      <dt>${t('admin.account.name')}</dt><dd>${user.name}</dd>
      <dt>${t('admin.account.email')}</dt><dd>${user.email}</dd>
      <dt>${t('admin.account.role')}</dt><dd>${t(`admin.role.${user.role}`)} : ${t(`admin.role.${user.role}.help`)}</dd>
      <dt>${t('admin.account.lastLogin')}</dt><dd>${user.lastLoginAt ? format.dateTime(user.lastLoginAt) : t('admin.staff.never')}</dd>
    </dl>
  </section>
  !${totpSection(o)}
  <section class="card stack" aria-labelledby="mot-de-passe">
    <h2 id="mot-de-passe" class="card__title">${t('admin.account.password.title')}</h2>
    !${o.passwordError ? alert({ kind: 'error', text: o.passwordError, live: true }) : ''}
    <form method="post" action="/admin/compte/mot-de-passe" class="stack" novalidate>
      !${csrfField(o.csrfToken)}
      <input type="hidden" name="username" value="${user.email}" autocomplete="username">
      !${textField({ name: 'current', label: t('admin.account.password.current'), type: 'password', autocomplete: 'current-password', required: true })}
      !${textField({ name: 'password', label: t('admin.account.password.new'), type: 'password', autocomplete: 'new-password', hint: t('admin.setup.passwordHint'), required: true })}
      !${textField({ name: 'confirmation', label: t('admin.account.password.confirmation'), type: 'password', autocomplete: 'new-password', required: true })}
      <div>!${button({ label: t('admin.account.password.submit'), variant: 'secondary' })}</div>
    </form>
  </section>
  <section class="card stack" aria-labelledby="sessions">
    <h2 id="sessions" class="card__title">${t('admin.account.sessions.title')}</h2>
    <p>${t('admin.account.sessions.text')}</p>
    <form method="post" action="/admin/compte/sessions">!${csrfField(o.csrfToken)}!${button({ label: t('admin.account.sessions.submit'), variant: 'secondary' })}</form>
  </section>
</div>`;
}

function totpSection(o: AccountPageOptions): string {
  const enabled = o.user.totpSecret !== null;
  let content: string;
  if (enabled) {
    content = html`<p>${t('admin.account.totp.on')}</p>
    !${o.totpError ? alert({ kind: 'error', text: o.totpError, live: true }) : ''}
    <form method="post" action="/admin/compte/totp/desactiver" class="stack" novalidate>
      !${csrfField(o.csrfToken)}
      !${textField({ name: 'password', label: t('admin.account.totp.disablePassword'), type: 'password', autocomplete: 'current-password', required: true })}
      <div>!${button({ label: t('admin.account.totp.disable'), variant: 'danger' })}</div>
    </form>`;
  } else if (o.enrolment) {
    content = html`<p>${t('admin.account.totp.scan')}</p>
    <img class="totp-qr" src="${o.enrolment.qrCode}" alt="${t('admin.account.totp.qrAlt')}" width="200" height="200">
    <p>${t('admin.account.totp.secret')} <code class="mono">${o.enrolment.secret}</code></p>
    <form method="post" action="/admin/compte/totp" class="stack" novalidate>
      !${csrfField(o.csrfToken)}!${hiddenField('secret', o.enrolment.secret)}
      !${textField({ name: 'code', label: t('admin.code.label'), autocomplete: 'one-time-code', inputMode: 'numeric', maxLength: 7, required: true, inputClass: 'input--short', error: o.enrolment.error })}
      <div>!${button({ label: t('admin.account.totp.confirm') })}</div>
    </form>`;
  } else {
    content = html`<p>${t('admin.account.totp.off')}</p>
    <form method="get" action="/admin/compte"><input type="hidden" name="totp" value="1">!${button({ label: t('admin.account.totp.start'), variant: 'secondary' })}</form>`;
  }
  return html`<section class="card stack" aria-labelledby="totp">
    <h2 id="totp" class="card__title">${t('admin.account.totp.title')}</h2>
    !${content}
  </section>`;
}
