// Sent once when an instance reaches 80 % of a limit of its plan (users, chantiers or storage): the
// figures, what happens at the limit (new creations refused, never any data lost or locked), and how to get more.
import type { QuotaResource } from '../../src/db/schema.ts';
import { t } from '../../src/i18n/index.ts';
import { ratioText } from '../../src/quotas/quota-messages.ts';
import { levelOf, percentOf } from '../../src/quotas/quota-rules.ts';
import { type RenderedMail, renderMail } from './layout.ts';

export interface QuotaWarningParams {
  prenom: string;
  entreprise: string;
  planName: string;
  resource: QuotaResource;
  /** In the instance's unit: a count, or bytes for storage. */
  used: number;
  limit: number;
  /** `pricing`: a larger plan is on the pricing page; `contact`: only a quoted plan is larger. */
  upgradeKind: 'pricing' | 'contact';
  upgradeUrl: string;
  supportEmail: string;
}

export function quotaWarningMail(p: QuotaWarningParams): RenderedMail {
  const percent = percentOf(p.used, p.limit) ?? 100;
  const exceeded = levelOf(p.used, p.limit) === 'exceeded';
  const ratio = ratioText(p.resource, p.used, p.limit);
  const limitOf = t(`quotas.limitOf.${p.resource}`);
  return renderMail({
    subject: t(exceeded ? 'quotas.mail.subject.exceeded' : 'quotas.mail.subject.warning', { plan: p.planName, ratio }),
    preheader: t('quotas.mail.preheader'),
    supportEmail: p.supportEmail,
    blocks: [
      { kind: 'paragraph', text: t('quotas.mail.greeting', { prenom: p.prenom }) },
      { kind: 'paragraph', text: t(exceeded ? 'quotas.mail.intro.exceeded' : 'quotas.mail.intro.warning', { entreprise: p.entreprise, percent, limitOf, plan: p.planName }) },
      { kind: 'facts', rows: [[t('quotas.mail.fact.plan'), p.planName], [t('quotas.mail.fact.usage'), ratioText(p.resource, p.used, p.limit, percent)]] },
      { kind: 'note', text: t(`quotas.mail.effect.${p.resource}`) },
      { kind: 'paragraph', text: t(`quotas.mail.upgrade.${p.upgradeKind}`, { supportEmail: p.supportEmail }) },
      { kind: 'button', label: t(`quotas.mail.button.${p.upgradeKind}`), href: p.upgradeUrl },
      { kind: 'paragraph', text: t('quotas.mail.signature') },
    ],
  });
}
