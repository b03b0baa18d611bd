// The dashboard's shell: top bar (brand, account, sign-out), navigation by section (only the
// sections the role may open), main content. Same design system as the site, denser.
import { html } from 'ghtml';
import { t } from '../../../i18n/index.ts';
import { can, type Permission } from '../../../staff/roles.ts';
import type { StaffRole } from '../../../db/schema.ts';
import { brandMark, icon, type IconName } from '../../views/icons.ts';
import { csrfField } from '../../views/components.ts';

export type AdminSection = 'overview' | 'clients' | 'deployments' | 'emails' | 'alerts' | 'audit' | 'staff' | 'apiKeys' | 'account';

export interface AdminViewer {
  name: string;
  email: string;
  role: StaffRole;
}

export interface AdminLayoutOptions {
  title: string;
  section?: AdminSection;
  viewer: AdminViewer;
  /** Token for the sign-out form in the top bar. */
  csrfToken: string;
  body: string;
  /** Script URLs (same origin), loaded with `defer`. */
  scripts?: string[];
  hasErrors?: boolean;
}

interface NavItem {
  id: AdminSection;
  href: string;
  label: 'admin.nav.overview' | 'admin.nav.clients' | 'admin.nav.deployments' | 'admin.nav.emails' | 'admin.nav.alerts' | 'admin.nav.audit' | 'admin.nav.staff' | 'admin.nav.apiKeys';
  icon: IconName;
  permission: Permission;
}

const NAV: NavItem[] = [
  { id: 'overview', href: '/admin', label: 'admin.nav.overview', icon: 'dashboard', permission: 'dashboard:read' },
  { id: 'clients', href: '/admin/clients', label: 'admin.nav.clients', icon: 'users', permission: 'dashboard:read' },
  { id: 'deployments', href: '/admin/deploiements', label: 'admin.nav.deployments', icon: 'rocket', permission: 'dashboard:read' },
  { id: 'emails', href: '/admin/emails', label: 'admin.nav.emails', icon: 'mail', permission: 'dashboard:read' },
  { id: 'alerts', href: '/admin/alertes', label: 'admin.nav.alerts', icon: 'warning', permission: 'dashboard:read' },
  { id: 'audit', href: '/admin/journal', label: 'admin.nav.audit', icon: 'clipboard', permission: 'audit:read' },
  { id: 'staff', href: '/admin/comptes', label: 'admin.nav.staff', icon: 'shield', permission: 'staff:manage' },
  { id: 'apiKeys', href: '/admin/cles-api', label: 'admin.nav.apiKeys', icon: 'lock', permission: 'api-keys:manage' },
];

function nav(viewer: AdminViewer, active: AdminSection | undefined): string {
  const items = NAV.filter((item) => can(viewer.role, item.permission)).map((item) => html`<li><a class="admin-nav__link" href="${item.href}"!${item.id === active ? ' aria-current="page"' : ''}>!${icon(item.icon)}<span>${t(item.label)}</span></a></li>`);
  return html`<nav class="admin-nav" aria-label="${t('admin.nav.label')}"><ul class="list-reset admin-nav__list">!${items}</ul></nav>`;
}

function topbar(o: AdminLayoutOptions): string {
  return html`<header class="admin-topbar on-dark">
  <a class="brand" href="/admin">!${brandMark()}<span>${t('site.brand.first')} <span class="brand__accent">${t('site.brand.second')}</span></span></a>
  <span class="admin-topbar__title">${t('admin.layout.area')}</span>
  <div class="admin-topbar__account">
    <a class="admin-topbar__user" href="/admin/compte"!${o.section === 'account' ? ' aria-current="page"' : ''}><span>${o.viewer.name}</span> <span class="admin-topbar__role">${t(`admin.role.${o.viewer.role}`)}</span></a>
    <form method="post" action="/admin/deconnexion">!${csrfField(o.csrfToken)}<button class="btn btn--ghost btn--sm" type="submit">${t('admin.layout.signOut')}</button></form>
  </div>
</header>`;
}

function documentHead(o: { title: string; hasErrors?: boolean; scripts?: string[] }): string {
  const title = t('admin.layout.documentTitle', { title: o.hasErrors ? t('site.layout.errorTitlePrefix', { title: o.title }) : o.title });
  const scripts = (o.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`);
  return html`<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<meta name="robots" content="noindex">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/erpbtp.css">
!${scripts}
</head>`;
}

export function adminLayout(o: AdminLayoutOptions): string {
  return html`!${documentHead(o)}
<body class="admin">
<a class="skip-link" href="#contenu">${t('site.layout.skip')}</a>
!${topbar(o)}
<div class="admin-shell">
!${nav(o.viewer, o.section)}
<main id="contenu" class="admin-main" tabindex="-1">
!${o.body}
</main>
</div>
</body>
</html>`;
}

/** The sign-in pages: no navigation, a centred card. */
export function adminAuthLayout(o: { title: string; body: string; hasErrors?: boolean }): string {
  return html`!${documentHead(o)}
<body class="admin admin--auth">
<main id="contenu" class="admin-auth" tabindex="-1">
<p class="admin-auth__brand"><a class="brand" href="/">!${brandMark()}<span>${t('site.brand.first')} <span class="brand__accent">${t('site.brand.second')}</span></span></a></p>
!${o.body}
</main>
</body>
</html>`;
}
