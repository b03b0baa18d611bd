// Error pages, in French, never with technical details.
import { html } from 'ghtml';
import { t } from '../i18n/index.ts';
import type { TenantMessageKey } from '../i18n/index.ts';
import { publicPage } from './layout.ts';

export function errorPage(o: { company: string; title: TenantMessageKey; text: TenantMessageKey }): string {
  return publicPage({
    title: t(o.title),
    company: o.company,
    body: html`<h1 class="app-public__title">${t(o.title)}</h1>
      <p class="lead">${t(o.text)}</p>
      <p class="mb-0"><a class="btn btn--secondary" href="/">${t('error.back')}</a></p>`,
  });
}
