// Error pages for people (404, 429, 400, 500…): friendly French text, a way back, never a stack trace.
import { html } from 'ghtml';
import { t } from '../../../i18n/index.ts';
import { pageLayout } from '../../views/layout.ts';
import { icon } from '../../views/icons.ts';

export interface ErrorPageOptions {
  status: number;
  title: string;
  text: string;
}

export function errorPage(o: ErrorPageOptions): string {
  const body = html`<section class="message-page">
  <div class="container container--narrow">
    <div class="message-page__icon message-page__icon--warning">!${icon(o.status === 404 ? 'search' : 'warning')}</div>
    <p class="message-page__code">${t('site.error.code', { status: o.status })}</p>
    <h1>${o.title}</h1>
    <p>${o.text}</p>
    <div class="cluster mt-6">
      <a class="btn btn--primary" href="/">${t('common.backHome')}</a>
      <a class="btn btn--ghost" href="/contact">${t('site.error.contact')}</a>
    </div>
  </div>
</section>`;
  return pageLayout({ title: o.title, noindex: true, body });
}
