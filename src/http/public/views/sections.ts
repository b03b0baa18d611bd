// Page sections shared by several public pages.
import { html } from 'ghtml';
import { t } from '../../../i18n/index.ts';
import { icon } from '../../views/icons.ts';

export interface PageHeroOptions {
  eyebrow?: string;
  title: string;
  lead?: string;
  center?: boolean;
}

/** The dark title band at the top of inner pages. */
export function pageHero(o: PageHeroOptions): string {
  return html`<section class="page-hero on-dark!${o.center ? ' page-hero--center' : ''}">
  <div class="container">
    !${o.eyebrow ? html`<p class="eyebrow">${o.eyebrow}</p>` : ''}
    <h1>${o.title}</h1>
    !${o.lead ? html`<p class="page-hero__lead">${o.lead}</p>` : ''}
  </div>
</section>`;
}

/** Closing call to action: start the trial, or ask a question. */
export function ctaBand(days: number): string {
  return html`<section class="section" aria-labelledby="cta-title">
  <div class="container">
    <div class="cta-band on-dark">
      <h2 id="cta-title">${t('site.cta.band.title')}</h2>
      <p>${t('site.cta.band.text', { days })}</p>
      <div class="cluster">
        <a class="btn btn--primary btn--lg" href="/essai">${t('site.cta.startTrial')}!${icon('arrowRight')}</a>
        <a class="btn btn--ghost btn--lg" href="/contact">${t('site.cta.band.secondary')}</a>
      </div>
    </div>
  </div>
</section>`;
}
