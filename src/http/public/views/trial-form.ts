// Trial signup form (GET /essai, and POST /essai redisplayed with errors).
// Browser validation stays on (required, type=email) as a first help; the server validates everything again.
import { html } from 'ghtml';
import { format, t } from '../../../i18n/index.ts';
import type { Plan } from '../../../plans/plan.ts';
import { pageLayout } from '../../views/layout.ts';
import {
  alert, button, checkboxField, choiceCards, csrfField, errorSummary, honeypotField, orderedErrors, selectField, textField,
} from '../../views/components.ts';
import { icon, type IconName } from '../../views/icons.ts';
import { pageHero } from './sections.ts';
import { advertisedTrialDays, projectsLine, usersLine } from './plan-text.ts';
// Field names and select values come from the validation, so the page and the server never disagree.
import { EFFECTIFS, SIGNUP_FIELDS, type SignupField } from '../../../signup/signup-form.ts';

export interface TrialFormPageOptions {
  /** What the person typed, redisplayed as is (escaped). */
  values: Partial<Record<string, string>>;
  /** Already translated messages, per field. */
  errors: Partial<Record<SignupField, string>>;
  plans: Plan[];
  csrfToken: string;
  /** A message shown above the form, e.g. the form expired (CSRF) and must be sent again. */
  notice?: string;
}

function chosenPlan(selfService: Plan[], wanted: string | undefined): string | undefined {
  if (wanted && selfService.some((p) => p.id === wanted)) return wanted;
  return selfService.find((p) => p.id === 'essai')?.id ?? selfService[0]?.id;
}

function planChoice(plans: Plan[], o: TrialFormPageOptions, days: number): string {
  const selfService = plans.filter((p) => p.selfService);
  const options = selfService.map((p) => ({
    value: p.id,
    title: p.name,
    price: p.monthlyPrice === 0 || p.monthlyPrice === null
      ? t('site.trial.plan.free')
      : t('site.trial.plan.paid', { price: format.euros(p.monthlyPrice) }),
    meta: `${usersLine(p.quotas.users)} · ${projectsLine(p.quotas.projects)}`,
  }));
  const quoted = plans.find((p) => !p.selfService);
  const quotedNote = quoted
    ? html`<p class="field__hint mt-2">${t('site.trial.plan.enterprise', { plan: quoted.name })} <a href="/contact?sujet=enterprise">${t('site.trial.plan.enterpriseLink')}</a>.</p>`
    : '';
  return html`!${choiceCards({
    name: 'plan',
    legend: t('site.trial.field.plan'),
    hint: t('site.trial.field.plan.hint', { days }),
    options,
    value: chosenPlan(selfService, o.values.plan),
    error: o.errors.plan,
    required: true,
  })}!${quotedNote}`;
}

function cgvLabel(): string {
  return html`${t('site.trial.field.cgv.before')}<a href="/cgv" target="_blank" rel="noopener">${t('site.trial.field.cgv.link')}<span class="visually-hidden"> ${t('site.ui.newWindow')}</span></a>${t('site.trial.field.cgv.after')}`;
}

function form(o: TrialFormPageOptions, days: number): string {
  const v = o.values;
  const e = o.errors;
  const effectifOptions = EFFECTIFS.map((value) => ({ value, label: t(`site.trial.effectif.${value}`) }));
  return html`<div class="form-card">
  !${o.notice ? alert({ kind: 'warning', text: o.notice, live: true }) : ''}
  !${errorSummary(orderedErrors(e, SIGNUP_FIELDS, {
    nom: t('site.trial.field.nom'), prenom: t('site.trial.field.prenom'), email: t('site.trial.field.email'),
    entreprise: t('site.trial.field.entreprise'), telephone: t('site.trial.field.telephone'),
    effectif: t('site.trial.field.effectif'), plan: t('site.trial.field.plan'),
  }))}
  <h2 class="mb-2">${t('site.trial.formTitle')}</h2>
  <p class="form-intro">${t('site.trial.allRequired')}</p>
  <form method="post" action="/essai">
    !${csrfField(o.csrfToken)}
    <div class="form-row">
      !${textField({ name: 'nom', label: t('site.trial.field.nom'), value: v.nom, error: e.nom, autocomplete: 'family-name', autocapitalize: 'words', required: true, maxLength: 100 })}
      !${textField({ name: 'prenom', label: t('site.trial.field.prenom'), value: v.prenom, error: e.prenom, autocomplete: 'given-name', autocapitalize: 'words', required: true, maxLength: 100 })}
    </div>
    !${textField({ name: 'email', label: t('site.trial.field.email'), hint: t('site.trial.field.email.hint'), value: v.email, error: e.email, type: 'email', autocomplete: 'email', inputMode: 'email', spellcheck: false, autocapitalize: 'off', required: true, maxLength: 254 })}
    !${textField({ name: 'entreprise', label: t('site.trial.field.entreprise'), hint: t('site.trial.field.entreprise.hint'), value: v.entreprise, error: e.entreprise, autocomplete: 'organization', required: true, maxLength: 100 })}
    <div class="form-row">
      !${textField({ name: 'telephone', label: t('site.trial.field.telephone'), hint: t('site.trial.field.telephone.hint'), value: v.telephone, error: e.telephone, type: 'tel', autocomplete: 'tel', inputMode: 'tel', required: true, maxLength: 30 })}
      !${selectField({ name: 'effectif', label: t('site.trial.field.effectif'), options: effectifOptions, value: v.effectif, error: e.effectif, required: true })}
    </div>
    !${planChoice(o.plans, o, days)}
    !${checkboxField({ name: 'cgv', labelHtml: cgvLabel(), checked: Boolean(v.cgv), error: e.cgv, required: true })}
    !${honeypotField('site_web')}
    <div class="form-actions">!${button({ label: t('site.trial.submit'), size: 'lg', block: true, icon: 'arrowRight' })}</div>
    <p class="form-legal">${t('site.trial.privacy')} <a href="/confidentialite">${t('site.trial.privacyLink')}</a></p>
  </form>
</div>`;
}

const asideItems: { icon: IconName; n: 1 | 2 | 3 | 4 }[] = [
  { icon: 'server', n: 1 },
  { icon: 'clock', n: 2 },
  { icon: 'creditCard', n: 3 },
  { icon: 'shield', n: 4 },
];

function aside(days: number): string {
  const items = asideItems.map(
    (i) => html`<li><span class="icon-list__icon">!${icon(i.icon)}</span><span><strong>${t(`site.trial.aside.item${i.n}.title`)}</strong><span>${t(`site.trial.aside.item${i.n}.text`, { days })}</span></span></li>`,
  );
  return html`<aside aria-labelledby="trial-aside-title">
  <div class="aside-panel on-dark">
    <h2 id="trial-aside-title">${t('site.trial.aside.title')}</h2>
    <ul class="icon-list">!${items}</ul>
  </div>
  <div class="aside-note">
    <p><strong>${t('site.trial.aside.already')}</strong> ${t('site.trial.aside.alreadyText')}</p>
    <p><strong>${t('site.trial.aside.help')}</strong> <a href="/contact">${t('site.trial.aside.helpLink')}</a></p>
  </div>
</aside>`;
}

export function trialFormPage(o: TrialFormPageOptions): string {
  const days = advertisedTrialDays(o.plans);
  const hasErrors = Object.values(o.errors).some(Boolean);
  const body = html`!${pageHero({ eyebrow: t('site.trial.eyebrow', { days }), title: t('site.trial.title'), lead: t('site.trial.lead') })}
<div class="section section--tight">
  <div class="container form-layout">
    !${form(o, days)}
    !${aside(days)}
  </div>
</div>`;
  return pageLayout({
    title: t('site.trial.meta.title'),
    description: t('site.trial.meta.description', { days }),
    current: 'trial',
    hasErrors,
    body,
  });
}
