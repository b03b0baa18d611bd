// Features page: the twelve feature cards.
import { html } from 'ghtml';
import { t } from '../../../i18n/index.ts';
import { pageLayout } from '../../views/layout.ts';
import { icon, type IconName } from '../../views/icons.ts';
import { ctaBand, pageHero } from './sections.ts';

type FeatureId =
  | 'clients' | 'chantiers' | 'devis' | 'facturation' | 'fournisseurs' | 'dashboard'
  | 'planning' | 'comptabilite' | 'cloud' | 'mobile' | 'security' | 'support';

const allFeatures: { id: FeatureId; icon: IconName }[] = [
  { id: 'clients', icon: 'users' },
  { id: 'chantiers', icon: 'hardHat' },
  { id: 'devis', icon: 'clipboard' },
  { id: 'facturation', icon: 'receipt' },
  { id: 'fournisseurs', icon: 'truck' },
  { id: 'dashboard', icon: 'dashboard' },
  { id: 'planning', icon: 'calendar' },
  { id: 'comptabilite', icon: 'calculator' },
  { id: 'cloud', icon: 'cloud' },
  { id: 'mobile', icon: 'smartphone' },
  { id: 'security', icon: 'shield' },
  { id: 'support', icon: 'headset' },
];

export interface FeaturesPageOptions {
  trialDays?: number;
}

export function featuresPage(o: FeaturesPageOptions = {}): string {
  const days = o.trialDays ?? 30;
  const cards = allFeatures.map(
    (f) => html`<li class="feature">
    <div class="feature__icon">!${icon(f.icon)}</div>
    <h3 class="feature__title">${t(`site.features.${f.id}.title`)}</h3>
    <p class="feature__text">${t(`site.features.${f.id}.text`)}</p>
  </li>`,
  );
  const body = html`!${pageHero({ eyebrow: t('site.features.eyebrow'), title: t('site.features.title'), lead: t('site.features.lead') })}
<section class="section" aria-labelledby="features-list-title">
  <div class="container">
    <h2 class="visually-hidden" id="features-list-title">${t('site.features.listTitle')}</h2>
    <ul class="grid grid--3 list-reset">!${cards}</ul>
  </div>
</section>
!${ctaBand(days)}`;
  return pageLayout({
    title: t('site.features.meta.title'),
    description: t('site.features.meta.description'),
    current: 'features',
    body,
  });
}
