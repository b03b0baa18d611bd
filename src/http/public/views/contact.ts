// Contact form (GET /contact, POST /contact redisplayed with errors) and its confirmation page.
import { html } from 'ghtml';
import { format, t } from '../../../i18n/index.ts';
import { pageLayout } from '../../views/layout.ts';
import {
  alert, button, csrfField, errorSummary, honeypotField, orderedErrors, selectField, textareaField, textField,
} from '../../views/components.ts';
import { icon } from '../../views/icons.ts';
import { pageHero } from './sections.ts';
import { CONTACT_SUBJECTS, type ContactField } from '../../../contact/contact-form.ts';

// Field order on the page (the error summary follows it).
const contactFields: readonly ContactField[] = ['nom', 'entreprise', 'email', 'telephone', 'sujet', 'message'];
const CONTACT_MESSAGE_MAX = 5000;

export interface ContactPageOptions {
  values: Partial<Record<string, string>>;
  errors: Partial<Record<ContactField, string>>;
  csrfToken: string;
  /** A message shown above the form, e.g. the form expired (CSRF) and must be sent again. */
  notice?: string;
}

function form(o: ContactPageOptions): string {
  const v = o.values;
  const e = o.errors;
  const subjects = CONTACT_SUBJECTS.map((value) => ({ value, label: t(`site.contact.sujet.${value}`) }));
  return html`<div class="form-card">
  !${o.notice ? alert({ kind: 'warning', text: o.notice, live: true }) : ''}
  !${errorSummary(orderedErrors(e, contactFields, {
    nom: t('site.contact.field.nom'), entreprise: t('site.contact.field.entreprise'), email: t('site.contact.field.email'),
    telephone: t('site.contact.field.telephone'), sujet: t('site.contact.field.sujet'), message: t('site.contact.field.message'),
  }))}
  <h2 class="mb-2">${t('site.contact.formTitle')}</h2>
  <p class="form-intro">${t('site.contact.required')}</p>
  <form method="post" action="/contact">
    !${csrfField(o.csrfToken)}
    <div class="form-row">
      !${textField({ name: 'nom', label: t('site.contact.field.nom'), value: v.nom, error: e.nom, autocomplete: 'name', autocapitalize: 'words', required: true, maxLength: 200 })}
      !${textField({ name: 'entreprise', label: t('site.contact.field.entreprise'), value: v.entreprise, error: e.entreprise, autocomplete: 'organization', showOptional: true, maxLength: 100 })}
    </div>
    <div class="form-row">
      !${textField({ name: 'email', label: t('site.contact.field.email'), value: v.email, error: e.email, type: 'email', autocomplete: 'email', inputMode: 'email', spellcheck: false, autocapitalize: 'off', required: true, maxLength: 254 })}
      !${textField({ name: 'telephone', label: t('site.contact.field.telephone'), hint: t('site.contact.field.telephone.hint'), value: v.telephone, error: e.telephone, type: 'tel', autocomplete: 'tel', inputMode: 'tel', showOptional: true, maxLength: 30 })}
    </div>
    !${selectField({ name: 'sujet', label: t('site.contact.field.sujet'), options: subjects, value: v.sujet, error: e.sujet, required: true })}
    !${textareaField({ name: 'message', label: t('site.contact.field.message'), hint: t('site.contact.field.message.hint', { max: format.integer(CONTACT_MESSAGE_MAX) }), value: v.message, error: e.message, required: true, maxLength: CONTACT_MESSAGE_MAX, rows: 7 })}
    !${honeypotField('site_web')}
    <div class="form-actions">!${button({ label: t('site.contact.submit'), size: 'lg', icon: 'arrowRight' })}</div>
    <p class="form-legal">${t('site.contact.privacy')} <a href="/confidentialite">${t('site.trial.privacyLink')}</a></p>
  </form>
</div>`;
}

function aside(): string {
  return html`<aside aria-label="${t('site.contact.aside.trialTitle')}">
  <div class="aside-panel on-dark">
    <h2>${t('site.contact.aside.trialTitle')}</h2>
    <p>${t('site.contact.aside.trialText')}</p>
    <a class="btn btn--primary btn--block" href="/essai">${t('site.cta.startTrial')}</a>
  </div>
  <div class="aside-note">
    <p><strong>${t('site.contact.aside.clientTitle')}</strong> ${t('site.contact.aside.clientText')}</p>
  </div>
</aside>`;
}

export function contactPage(o: ContactPageOptions): string {
  const hasErrors = Object.values(o.errors).some(Boolean);
  const body = html`!${pageHero({ eyebrow: t('site.contact.eyebrow'), title: t('site.contact.title'), lead: t('site.contact.lead') })}
<div class="section section--tight">
  <div class="container form-layout">
    !${form(o)}
    !${aside()}
  </div>
</div>`;
  return pageLayout({
    title: t('site.contact.meta.title'),
    description: t('site.contact.meta.description'),
    current: 'contact',
    hasErrors,
    body,
  });
}

export function contactSentPage(): string {
  const body = html`<section class="message-page">
  <div class="container container--narrow">
    <div class="message-page__icon message-page__icon--success">!${icon('checkCircle')}</div>
    <h1>${t('site.contact.sent.title')}</h1>
    <p>${t('site.contact.sent.text')}</p>
    <p>${t('site.contact.sent.trial')}</p>
    <div class="cluster mt-6">
      <a class="btn btn--primary" href="/essai">${t('site.cta.startTrial')}</a>
      <a class="btn btn--ghost" href="/">${t('common.backHome')}</a>
    </div>
  </div>
</section>`;
  return pageLayout({ title: t('site.contact.sent.meta.title'), current: 'contact', noindex: true, body });
}
