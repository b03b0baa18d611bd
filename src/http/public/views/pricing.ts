// Pricing page: rendered from the configured plans, never from figures written here.
import { html } from 'ghtml';
import { format, t } from '../../../i18n/index.ts';
import type { Plan, PlanId } from '../../../plans/plan.ts';
import { pageLayout } from '../../views/layout.ts';
import { icon } from '../../views/icons.ts';
import { ctaBand, pageHero } from './sections.ts';
import { advertisedTrialDays, planCta, priceText, quotaLines } from './plan-text.ts';

export interface PricingPageOptions {
  plans: Plan[];
  /** The plan drawn as recommended (default: pro, when present). */
  featured?: PlanId;
}

function planCard(plan: Plan, featured: boolean): string {
  const price = priceText(plan);
  const cta = planCta(plan);
  const titleId = `plan-${plan.id}`;
  const quotas = quotaLines(plan).map((line) => html`<li class="is-quota">${line}</li>`);
  const highlights = plan.highlights.map((line) => html`<li>${line}</li>`);
  return html`<li class="plan!${featured ? ' plan--featured' : ''}">
  !${featured ? html`<p class="plan__badge">${t('site.pricing.featured')}</p>` : ''}
  <h2 class="plan__name" id="${titleId}">${plan.name}</h2>
  <p class="plan__tagline">${t(`site.pricing.plan.${plan.id}.tagline`)}</p>
  <p class="plan__price"><span class="plan__amount">${price.amount}</span> <span class="plan__period">${price.period}</span></p>
  <a class="btn btn--block plan__cta !${featured ? 'btn--primary' : plan.selfService ? 'btn--secondary' : 'btn--ghost'}" href="${cta.href}">${cta.label}</a>
  <ul class="checklist plan__features">!${quotas}!${highlights}</ul>
</li>`;
}

function compareValue(n: number, render: (n: number) => string): string {
  return n === -1 ? t('site.pricing.compare.unlimited') : render(n);
}

function compareTable(plans: Plan[]): string {
  const head = plans.map((p) => html`<th scope="col">${p.name}</th>`);
  const row = (label: string, cells: string[]) =>
    html`<tr><th scope="row">${label}</th>!${cells.map((c) => html`<td>${c}</td>`)}</tr>`;
  const prices = plans.map((p) =>
    p.monthlyPrice === null || p.monthlyPrice === 0
      ? priceText(p).amount
      : t('site.pricing.compare.pricePerMonth', { price: format.euros(p.monthlyPrice) }),
  );
  return html`<section class="section section--alt" aria-labelledby="compare-title">
  <div class="container container--narrow">
    <h2 class="section__title text-center" id="compare-title">${t('site.pricing.compare.title')}</h2>
    <div class="table-wrap" role="region" aria-label="${t('site.pricing.compare.caption')}" tabindex="0">
      <table class="table table--center">
        <caption class="visually-hidden">${t('site.pricing.compare.caption')}</caption>
        <thead><tr><th scope="col">${t('site.pricing.compare.feature')}</th>!${head}</tr></thead>
        <tbody>
          !${row(t('site.pricing.compare.price'), prices)}
          !${row(t('site.pricing.compare.users'), plans.map((p) => compareValue(p.quotas.users, format.integer)))}
          !${row(t('site.pricing.compare.projects'), plans.map((p) => compareValue(p.quotas.projects, format.integer)))}
          !${row(t('site.pricing.compare.storage'), plans.map((p) => compareValue(p.quotas.storageGb, (n) => t('site.pricing.compare.storageValue', { count: format.integer(n) }))))}
        </tbody>
      </table>
    </div>
  </div>
</section>`;
}

function faq(days: number): string {
  const items = ([1, 2, 3, 4] as const).map(
    (n) => html`<details><summary>${t(`site.pricing.faq.q${n}`)}</summary><div><p>${t(`site.pricing.faq.a${n}`, { days })}</p></div></details>`,
  );
  return html`<section class="section" aria-labelledby="faq-title">
  <div class="container">
    <h2 class="section__title text-center" id="faq-title">${t('site.pricing.faq.title')}</h2>
    <div class="faq">!${items}</div>
  </div>
</section>`;
}

export function pricingPage(o: PricingPageOptions): string {
  const days = advertisedTrialDays(o.plans);
  const featured = o.featured ?? 'pro';
  const cards = o.plans.map((p) => planCard(p, p.id === featured));
  const body = html`!${pageHero({ eyebrow: t('site.pricing.eyebrow'), title: t('site.pricing.title'), lead: t('site.pricing.lead'), center: true })}
<section class="section" aria-label="${t('site.pricing.listLabel')}">
  <div class="container">
    <p class="trial-note">!${icon('checkCircle')}${t('site.pricing.trialNote', { days })}</p>
    <ul class="plans">!${cards}</ul>
  </div>
</section>
!${compareTable(o.plans)}
!${faq(days)}
!${ctaBand(days)}`;
  return pageLayout({
    title: t('site.pricing.meta.title'),
    description: t('site.pricing.meta.description', { days }),
    current: 'pricing',
    body,
  });
}
