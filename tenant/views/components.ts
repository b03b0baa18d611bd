// Small typed view helpers over the shared design system's components (design/erpbtp.css).
// ghtml's `html` escapes every ${value}; `!${…}` inserts already-rendered HTML and is only ever used
// with the output of these helpers.
import { html } from 'ghtml';
import { t } from '../i18n/index.ts';
import type { TenantMessageKey } from '../i18n/index.ts';
import type { SubscriptionInfo, SubscriptionStatus } from '../platform/platform.client.ts';

export function csrfField(token: string): string {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

const fieldId = (name: string) => `f-${name}`;

export interface FieldOptions {
  name: string;
  label: string;
  value?: string;
  error?: TenantMessageKey | undefined;
  type?: 'text' | 'password' | 'date';
  required?: boolean;
  /** Shows "(facultatif)" after the label. */
  optional?: boolean;
  hint?: string;
  autocomplete?: string;
  maxlength?: number;
  autofocus?: boolean;
}

export function field(o: FieldOptions): string {
  const id = fieldId(o.name);
  const describedBy = [o.hint ? `${id}-hint` : '', o.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const value = o.type === 'password' ? '' : (o.value ?? '');
  return html`<div class="field${o.error ? ' field--error' : ''}">
    <label class="field__label" for="${id}">${o.label}!${o.optional ? html` <span class="field__optional">${t('form.optional')}</span>` : ''}</label>
    !${o.hint ? html`<span class="field__hint" id="${id}-hint">${o.hint}</span>` : ''}
    !${o.error ? html`<p class="field__error" id="${id}-error">${t(o.error)}</p>` : ''}
    <input class="input" id="${id}" name="${o.name}" type="${o.type ?? 'text'}" value="${value}"!${o.required ? ' required' : ''}!${o.autofocus ? ' autofocus' : ''}!${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}!${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}!${describedBy ? html` aria-describedby="${describedBy}"` : ''}!${o.error ? ' aria-invalid="true"' : ''}>
  </div>`;
}

export function selectField(o: {
  name: string;
  label: string;
  value: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  error?: TenantMessageKey | undefined;
}): string {
  const id = fieldId(o.name);
  return html`<div class="field${o.error ? ' field--error' : ''}">
    <label class="field__label" for="${id}">${o.label}</label>
    !${o.error ? html`<p class="field__error" id="${id}-error">${t(o.error)}</p>` : ''}
    <select class="select" id="${id}" name="${o.name}"!${o.error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
      !${o.options.map((opt) => html`<option value="${opt.value}"!${opt.value === o.value ? ' selected' : ''}>${opt.label}</option>`)}
    </select>
  </div>`;
}

/** The GOV.UK-style summary above a form: one link per invalid field, plus an optional form-level message. */
export function errorSummary(errors: Readonly<Record<string, TenantMessageKey | undefined>>, formError?: string): string {
  const entries = Object.entries(errors).filter((e): e is [string, TenantMessageKey] => e[1] !== undefined);
  if (entries.length === 0 && !formError) return '';
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title">
    <h2 class="error-summary__title" id="error-summary-title">${formError ?? t('form.errorSummary')}</h2>
    !${entries.length > 0
      ? html`<ul class="error-summary__list">!${entries.map(([name, key]) => html`<li><a href="#${fieldId(name)}">${t(key)}</a></li>`)}</ul>`
      : ''}
  </div>`;
}

export function alert(kind: 'info' | 'success' | 'warning' | 'error', text: string, options: { role?: 'alert' | 'status' } = {}): string {
  return html`<div class="alert alert--${kind}"!${options.role ? html` role="${options.role}"` : ''}><div class="alert__body"><p>${text}</p></div></div>`;
}

export function flashMessage(key: TenantMessageKey | undefined): string {
  return key ? alert('success', t(key), { role: 'status' }) : '';
}

const STATUS_BADGE: Record<SubscriptionStatus, string> = {
  trialing: 'brand',
  active: 'success',
  past_due: 'warning',
  suspended: 'error',
  cancelled: 'error',
  expired: 'error',
};

export function subscriptionBadge(status: SubscriptionStatus): string {
  return html`<span class="badge badge--${STATUS_BADGE[status]}">${t(`subscription.status.${status}`)}</span>`;
}

const WARNING_ICON =
  '<svg class="app-banner__icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z"/><path d="M12 9v4"/><path d="M12 17h.01"/></svg>';

/** The renewal banner, shown on every page while the subscription needs the customer's action. */
export function subscriptionBanner(info: SubscriptionInfo | undefined): string {
  if (info?.kind !== 'ok') return '';
  const { status, renewalUrl } = info.subscription;
  if (status !== 'expired' && status !== 'suspended' && status !== 'cancelled' && status !== 'past_due') return '';
  const pay = status === 'past_due';
  return html`<div class="app-banner app-banner--${pay ? 'warning' : 'error'}" role="alert">
    <div class="container app-banner__inner">
      <div class="app-banner__message">!${WARNING_ICON}<p class="app-banner__text"><strong>${t(`subscription.banner.${status}`)}</strong>!${pay ? '' : html` ${t('subscription.banner.renewText')}`}</p></div>
      !${renewalUrl ? html`<a class="btn btn--primary btn--sm" href="${renewalUrl}" rel="noopener">${t(pay ? 'subscription.banner.pay' : 'subscription.banner.renew')}</a>` : ''}
    </div>
  </div>`;
}
