// The dashboard: who we are, the subscription (from the platform), the chantiers at a glance.
import { html } from 'ghtml';
import { format, t } from '../i18n/index.ts';
import type { ChantierStatus } from '../chantiers/chantiers.repository.ts';
import { CHANTIER_STATUSES } from '../chantiers/chantiers.repository.ts';
import type { Subscription, SubscriptionInfo } from '../platform/platform.client.ts';
import { subscriptionBadge } from './components.ts';
import { appPage } from './layout.ts';
import type { PageContext } from './layout.ts';

export interface HomeData {
  clientNumber: string | null;
  /** The plan named in the environment, shown when the platform cannot tell. */
  fallbackPlanName: string;
  subscription: SubscriptionInfo;
  chantiers: Record<ChantierStatus, number>;
}

function trialBlock(s: Subscription): string {
  if (s.status !== 'trialing' || s.daysLeft === null) return '';
  const text =
    s.daysLeft === 0 ? t('home.trial.lastDay') : s.daysLeft === 1 ? t('home.trial.daysLeft.one') : t('home.trial.daysLeft.many', { days: s.daysLeft });
  return html`<div class="app-trial" data-days-left="${s.daysLeft}">
    <span class="app-trial__value" aria-hidden="true">${s.daysLeft}</span>
    <div><p class="app-trial__text">${text}</p>
    !${s.trialEndsAt ? html`<p class="app-trial__end">${t('home.trial.endsOn', { date: format.date(s.trialEndsAt) })}</p>` : ''}</div>
  </div>`;
}

function subscriptionCard(ctx: PageContext, data: HomeData): string {
  const info = data.subscription;
  const planName = info.kind === 'ok' ? info.subscription.planName : data.fallbackPlanName;
  return html`<section class="card app-card" aria-labelledby="abonnement">
    <h2 class="card__title" id="abonnement">${t('home.subscription')}</h2>
    !${info.kind === 'ok' ? trialBlock(info.subscription) : ''}
    <dl class="kv app-kv">
      <dt>${t('home.company')}</dt><dd class="app-company">${ctx.company}</dd>
      !${data.clientNumber ? html`<dt>${t('home.clientNumber')}</dt><dd>${data.clientNumber}</dd>` : ''}
      <dt>${t('home.plan')}</dt><dd class="app-plan">${planName}</dd>
      !${info.kind === 'ok' ? html`<dt>${t('home.status')}</dt><dd>!${subscriptionBadge(info.subscription.status)}</dd>` : ''}
    </dl>
    !${info.kind === 'unavailable' ? html`<p class="text-muted text-small app-unavailable">${t('home.subscription.unavailable')}</p>` : ''}
  </section>`;
}

function chantiersCard(data: HomeData): string {
  const total = CHANTIER_STATUSES.reduce((sum, s) => sum + data.chantiers[s], 0);
  return html`<section class="card app-card" aria-labelledby="chantiers">
    <h2 class="card__title" id="chantiers">${t('home.chantiers.heading')}</h2>
    !${total === 0
      ? html`<p class="text-muted">${t('home.chantiers.empty')}</p>`
      : html`<ul class="figures app-figures">!${CHANTIER_STATUSES.map(
          (s) => html`<li><span class="figure__value">${data.chantiers[s]}</span><span class="figure__label">${t(`chantiers.status.${s}`)}</span></li>`,
        )}</ul>`}
    <div class="form-actions app-card__actions">
      <a class="btn btn--primary" href="/chantiers/nouveau">${t('home.chantiers.create')}</a>
      !${total > 0 ? html`<a class="btn btn--ghost" href="/chantiers">${t('home.chantiers.link')}</a>` : ''}
    </div>
  </section>`;
}

export function homePage(ctx: PageContext, data: HomeData): string {
  return appPage({
    title: t('home.title'),
    heading: t('home.greeting', { username: ctx.username }),
    ctx,
    active: 'home',
    body: html`<div class="grid grid--2 app-dashboard">!${subscriptionCard(ctx, data)}!${chantiersCard(data)}</div>`,
  });
}
