// Home page: hero, three key features, figures, the trial in three steps, call to action.
import { html } from 'ghtml';
import { format, t } from '../../../i18n/index.ts';
import { pageLayout } from '../../views/layout.ts';
import { badge } from '../../views/components.ts';
import { icon, type IconName } from '../../views/icons.ts';
import { ctaBand } from './sections.ts';

export interface HomePageOptions {
  /** Trial length shown in the texts (from the essai plan). */
  trialDays?: number;
}

function preview(): string {
  // A decorative glimpse of the product, hidden from assistive technologies (its figures are examples).
  return html`<div class="hero__visual" aria-hidden="true">
  <div class="app-preview">
    <div class="app-preview__bar"><i></i><i></i><i></i><span>${t('site.home.preview.title')}</span></div>
    <div class="app-preview__body">
      <div class="app-preview__kpis">
        <div class="app-preview__kpi"><b>${format.euros(48250)}</b><small>${t('site.home.preview.kpi1.label')}</small></div>
        <div class="app-preview__kpi"><b>${t('site.home.preview.kpi2.value')}</b><small>${t('site.home.preview.kpi2.label')}</small></div>
        <div class="app-preview__kpi"><b>${t('site.home.preview.kpi3.value')}</b><small>${t('site.home.preview.kpi3.label')}</small></div>
      </div>
      <div class="app-preview__chart"><i></i><i></i><i></i><i></i><i></i><i></i></div>
      <ul class="app-preview__rows">
        <li><span>${t('site.home.preview.row1')}</span>!${badge({ kind: 'success', text: t('site.home.preview.row1.status') })}</li>
        <li><span>${t('site.home.preview.row2')}</span>!${badge({ kind: 'info', text: t('site.home.preview.row2.status') })}</li>
        <li><span>${t('site.home.preview.row3')}</span>!${badge({ kind: 'warning', text: t('site.home.preview.row3.status') })}</li>
      </ul>
    </div>
  </div>
</div>`;
}

function hero(days: number): string {
  const points = (['site.home.hero.point1', 'site.home.hero.point2', 'site.home.hero.point3'] as const).map(
    (key) => html`<li>!${icon('checkCircle')}${t(key, { days })}</li>`,
  );
  return html`<section class="hero on-dark" aria-labelledby="hero-title">
  <div class="container hero__inner">
    <div>
      <p class="eyebrow hero__eyebrow">${t('site.home.hero.eyebrow')}</p>
      <h1 class="hero__title" id="hero-title">${t('site.home.hero.title')}</h1>
      <p class="hero__lead">${t('site.home.hero.lead')}</p>
      <div class="hero__actions">
        <a class="btn btn--primary btn--lg" href="/essai">${t('site.cta.startTrial')}!${icon('arrowRight')}</a>
        <a class="btn btn--ghost btn--lg" href="/tarifs">${t('site.cta.seePricing')}</a>
      </div>
      <ul class="hero__points">!${points}</ul>
    </div>
    !${preview()}
  </div>
</section>`;
}

const keyFeatures: { id: 'devis' | 'facturation' | 'chantiers'; icon: IconName }[] = [
  { id: 'devis', icon: 'clipboard' },
  { id: 'facturation', icon: 'receipt' },
  { id: 'chantiers', icon: 'hardHat' },
];

function features(): string {
  const cards = keyFeatures.map(
    (f) => html`<li class="feature feature--lg">
    <div class="feature__icon">!${icon(f.icon)}</div>
    <h3 class="feature__title">${t(`site.home.feature.${f.id}.title`)}</h3>
    <p class="feature__text">${t(`site.home.feature.${f.id}.text`)}</p>
  </li>`,
  );
  return html`<section class="section" aria-labelledby="features-title">
  <div class="container">
    <div class="section__header">
      <p class="eyebrow">${t('site.home.features.eyebrow')}</p>
      <h2 class="section__title" id="features-title">${t('site.home.features.title')}</h2>
      <p class="section__lead">${t('site.home.features.lead')}</p>
    </div>
    <ul class="grid grid--3 list-reset">!${cards}</ul>
    <p class="section__footer"><a class="btn btn--ghost" href="/fonctionnalites">${t('site.cta.allFeatures')}!${icon('arrowRight')}</a></p>
  </div>
</section>`;
}

function figures(days: number): string {
  const items = ([1, 2, 3, 4] as const).map(
    (n) => html`<li><span class="figure__value">${t(`site.home.figure${n}.value`, { days })}</span><span class="figure__label">${t(`site.home.figure${n}.label`)}</span></li>`,
  );
  return html`<section class="section section--tight" aria-labelledby="figures-title">
  <div class="container">
    <h2 class="visually-hidden" id="figures-title">${t('site.home.figures.title')}</h2>
    <ul class="figures">!${items}</ul>
  </div>
</section>`;
}

function steps(): string {
  const items = ([1, 2, 3] as const).map(
    (n) => html`<li><h3>${t(`site.home.step${n}.title`)}</h3><p>${t(`site.home.step${n}.text`)}</p></li>`,
  );
  return html`<section class="section section--alt" aria-labelledby="steps-title">
  <div class="container">
    <div class="section__header">
      <p class="eyebrow">${t('site.home.steps.eyebrow')}</p>
      <h2 class="section__title" id="steps-title">${t('site.home.steps.title')}</h2>
      <p class="section__lead">${t('site.home.steps.lead')}</p>
    </div>
    <ol class="howto">!${items}</ol>
    <p class="section__footer"><a class="btn btn--primary btn--lg" href="/essai">${t('site.cta.startTrial')}!${icon('arrowRight')}</a></p>
  </div>
</section>`;
}

export function homePage(o: HomePageOptions = {}): string {
  const days = o.trialDays ?? 30;
  return pageLayout({
    title: t('site.home.meta.title'),
    description: t('site.home.meta.description', { days }),
    current: 'home',
    body: html`!${hero(days)}!${features()}!${figures(days)}!${steps()}!${ctaBand(days)}`,
  });
}
