// Shown when a trial already exists for the submitted e-mail. It says nothing about that account
// (no name, no address, no status): the welcome e-mail, sent to the mailbox owner, is the only channel for that.
import { html } from 'ghtml';
import { t } from '../../../i18n/index.ts';
import { pageLayout } from '../../views/layout.ts';
import { icon } from '../../views/icons.ts';

export function alreadyRegisteredPage(): string {
  const body = html`<section class="message-page">
  <div class="container container--narrow">
    <div class="message-page__icon">!${icon('mail')}</div>
    <h1>${t('site.already.title')}</h1>
    <p>${t('site.already.text1')}</p>
    <p>${t('site.already.text2')}</p>
    <p>${t('site.already.text3')}</p>
    <div class="cluster mt-6">
      <a class="btn btn--secondary" href="/contact?sujet=support">${t('site.already.support')}</a>
      <a class="btn btn--ghost" href="/">${t('common.backHome')}</a>
    </div>
  </div>
</section>`;
  return pageLayout({ title: t('site.already.meta.title'), current: 'trial', noindex: true, body });
}
