// The page shell of the public site: document head, skip link, header with navigation, main, footer.
import { html } from 'ghtml';
import { t } from '../../i18n/index.ts';
import { brandMark } from './icons.ts';

export type NavId = 'home' | 'features' | 'pricing' | 'contact' | 'trial';

export interface PageLayoutOptions {
  /** Page title, without the site name (added here). */
  title: string;
  description?: string;
  /** The navigation item to mark with aria-current="page". */
  current?: NavId;
  /** Main content, built with `html`: inserted as is. */
  body: string;
  /** Extra markup for <head>, built with `html`: inserted as is. */
  head?: string;
  /** Script URLs (same origin), loaded with `defer`. */
  scripts?: string[];
  /** Prefixes the title with « Erreur : » (forms redisplayed with errors). */
  hasErrors?: boolean;
  /** Keeps the page out of search engines (confirmations, errors). */
  noindex?: boolean;
}

const nav: { id: Exclude<NavId, 'trial'>; href: string; key: 'site.nav.home' | 'site.nav.features' | 'site.nav.pricing' | 'site.nav.contact' }[] = [
  { id: 'home', href: '/', key: 'site.nav.home' },
  { id: 'features', href: '/fonctionnalites', key: 'site.nav.features' },
  { id: 'pricing', href: '/tarifs', key: 'site.nav.pricing' },
  { id: 'contact', href: '/contact', key: 'site.nav.contact' },
];

const current = (active: boolean): string => (active ? ' aria-current="page"' : '');

export function brand(): string {
  return html`<a class="brand" href="/">!${brandMark()}<span>${t('site.brand.first')} <span class="brand__accent">${t('site.brand.second')}</span></span></a>`;
}

function header(active?: NavId): string {
  const items = nav.map(
    (item) => html`<li><a class="site-nav__link" href="${item.href}"!${current(item.id === active)}>${t(item.key)}</a></li>`,
  );
  return html`<header class="site-header">
  <div class="container site-header__inner">
    !${brand()}
    <nav class="site-nav" aria-label="${t('site.nav.label')}"><ul class="site-nav__list">!${items}</ul></nav>
    <a class="btn btn--primary btn--sm site-header__cta" href="/essai"!${current(active === 'trial')}>${t('site.nav.cta')}</a>
  </div>
</header>`;
}

function footer(): string {
  const year = new Date().getFullYear();
  return html`<footer class="site-footer on-dark">
  <div class="container">
    <div class="site-footer__top">
      <div>
        !${brand()}
        <p class="site-footer__tagline">${t('site.footer.tagline')}</p>
      </div>
      <nav aria-labelledby="footer-product">
        <h2 class="site-footer__title" id="footer-product">${t('site.footer.product')}</h2>
        <ul class="site-footer__links">
          <li><a href="/fonctionnalites">${t('site.nav.features')}</a></li>
          <li><a href="/tarifs">${t('site.nav.pricing')}</a></li>
          <li><a href="/essai">${t('site.footer.trial')}</a></li>
          <li><a href="/contact">${t('site.footer.contact')}</a></li>
        </ul>
      </nav>
      <nav aria-labelledby="footer-legal">
        <h2 class="site-footer__title" id="footer-legal">${t('site.footer.legal')}</h2>
        <ul class="site-footer__links">
          <li><a href="/cgv">${t('site.footer.cgv')}</a></li>
          <li><a href="/mentions-legales">${t('site.footer.mentions')}</a></li>
          <li><a href="/confidentialite">${t('site.footer.privacy')}</a></li>
        </ul>
      </nav>
    </div>
    <div class="site-footer__bottom">
      <p>${t('site.footer.copyright', { year })}</p>
      <p>${t('site.footer.hosting')}</p>
    </div>
  </div>
</footer>`;
}

export function pageLayout(o: PageLayoutOptions): string {
  const title = t('site.layout.documentTitle', {
    title: o.hasErrors ? t('site.layout.errorTitlePrefix', { title: o.title }) : o.title,
  });
  const scripts = (o.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`);
  return html`<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<meta name="description" content="${o.description ?? t('site.layout.description')}">
!${o.noindex ? '<meta name="robots" content="noindex">' : ''}
<meta name="theme-color" content="#0b2545">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/erpbtp.css">
!${o.head ?? ''}!${scripts}
</head>
<body>
<a class="skip-link" href="#contenu">${t('site.layout.skip')}</a>
!${header(o.current)}
<main id="contenu" tabindex="-1">
!${o.body}
</main>
!${footer()}
</body>
</html>`;
}
