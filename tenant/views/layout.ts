// Page shells: the signed-in application (brand header with the company and the user menu, main
// navigation) and the public pages (login, errors). Brand components come from the shared design
// system (/assets/erpbtp.css); the application's own layout from /assets/tenant.css (`app-` classes).
import { html } from 'ghtml';
import { t } from '../i18n/index.ts';
import type { TenantMessageKey } from '../i18n/index.ts';
import type { SubscriptionInfo } from '../platform/platform.client.ts';
import { csrfField, flashMessage, subscriptionBanner } from './components.ts';

export type NavKey = 'home' | 'chantiers' | 'users' | 'password';

export interface PageContext {
  company: string;
  username: string;
  csrfToken: string;
  flash?: TenantMessageKey | undefined;
  subscription?: SubscriptionInfo | undefined;
  /** While the password must be changed, the navigation is hidden: every link would lead back here. */
  restricted?: boolean;
}

function head(title: string, company: string): string {
  return html`<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${company} · ${t('app.name')}</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/erpbtp.css">
<link rel="stylesheet" href="/assets/tenant.css">
</head>`;
}

const NAV: ReadonlyArray<{ key: NavKey; href: string; label: TenantMessageKey }> = [
  { key: 'home', href: '/', label: 'nav.home' },
  { key: 'chantiers', href: '/chantiers', label: 'nav.chantiers' },
  { key: 'users', href: '/utilisateurs', label: 'nav.users' },
];

function brand(company: string): string {
  return html`<a class="brand app-brand" href="/">
    <img class="brand__mark" src="/assets/favicon.svg" alt="" width="36" height="36">
    <span class="app-brand__text"><span class="app-brand__name">ERP <span class="brand__accent">BTP</span></span><span class="app-brand__company">${company}</span></span>
  </a>`;
}

function userMenu(ctx: PageContext): string {
  return html`<details class="app-usermenu site-header__cta">
    <summary class="app-usermenu__toggle" aria-label="${t('nav.userMenu', { username: ctx.username })}">
      <span class="app-avatar" aria-hidden="true">${ctx.username.slice(0, 1).toUpperCase()}</span><span class="app-usermenu__name">${ctx.username}</span>
    </summary>
    <div class="app-usermenu__panel">
      !${ctx.restricted ? '' : html`<a class="app-usermenu__item" href="/mot-de-passe">${t('nav.password')}</a>`}
      <form method="post" action="/deconnexion">!${csrfField(ctx.csrfToken)}<button class="app-usermenu__item" type="submit">${t('nav.logout')}</button></form>
    </div>
  </details>`;
}

function nav(active: NavKey | undefined): string {
  return html`<nav class="site-nav app-nav" aria-label="${t('nav.label')}"><ul class="site-nav__list">!${NAV.map(
    (item) => html`<li><a class="site-nav__link" href="${item.href}"!${item.key === active ? ' aria-current="page"' : ''}>${t(item.label)}</a></li>`,
  )}</ul></nav>`;
}

export function appPage(o: { title: string; ctx: PageContext; active?: NavKey; body: string; heading?: string; actions?: string }): string {
  const { ctx } = o;
  return html`!${head(o.title, ctx.company)}
<body class="app">
<a class="skip-link" href="#contenu">${t('app.skipToContent')}</a>
<header class="site-header app-header">
  <div class="container site-header__inner">
    !${brand(ctx.company)}
    !${ctx.restricted ? '' : nav(o.active)}
    !${userMenu(ctx)}
  </div>
</header>
!${subscriptionBanner(ctx.subscription)}
<main id="contenu" class="container app-main" tabindex="-1">
  !${flashMessage(ctx.flash)}
  <div class="app-page-header">
    <h1 class="app-title">${o.heading ?? o.title}</h1>
    !${o.actions ?? ''}
  </div>
  !${o.body}
</main>
<footer class="app-footer"><div class="container"><p>${t('app.footer', { company: ctx.company })}</p></div></footer>
</body>
</html>`;
}

export function publicPage(o: { title: string; company: string; body: string; flash?: TenantMessageKey | undefined }): string {
  return html`!${head(o.title, o.company)}
<body class="app-public">
<main id="contenu" class="app-public__main">
  <div class="app-public__brand on-dark">!${brand(o.company)}</div>
  <div class="form-card app-public__card">
    !${flashMessage(o.flash)}
    !${o.body}
  </div>
</main>
</body>
</html>`;
}
