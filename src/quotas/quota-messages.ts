// Quota figures in French words: « 4 chantiers sur 5 », « 0,8 Go sur 1 Go », and the sentence an ERP
// shows its user when a creation is refused (with the plan, the limit and where to get more).
import type { QuotaResource, SubscriptionStatus } from '../db/schema.ts';
import { t } from '../i18n/index.ts';
import { BYTES_PER_GB, type UpgradePath } from './quota-rules.ts';

const decimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });
const integer = new Intl.NumberFormat('fr-FR');

/** Bytes as « Go » figures, without the unit: « 0,75 ». */
export function gigabytes(bytes: number): string {
  return decimal.format(bytes / BYTES_PER_GB);
}

/** An amount with its unit: « 1 utilisateur », « 5 chantiers », « 0,75 Go » (storage is given in bytes). */
export function amountText(resource: QuotaResource, value: number): string {
  if (resource === 'storage') return t('quotas.amount.storage', { count: gigabytes(value) });
  const count = integer.format(value);
  // French: 0 and 1 take the singular.
  const one = Math.abs(value) < 2;
  if (resource === 'users') return t(one ? 'quotas.amount.users.one' : 'quotas.amount.users.other', { count });
  return t(one ? 'quotas.amount.projects.one' : 'quotas.amount.projects.other', { count });
}

/** « 4 chantiers sur 5 »; storage repeats its unit: « 0,8 Go sur 1 Go ». */
export function ratioText(resource: QuotaResource, used: number, limit: number, percent?: number | null): string {
  const params = { used: amountText(resource, used), limit: resource === 'storage' ? amountText(resource, limit) : integer.format(limit) };
  return percent === undefined || percent === null ? t('quotas.ratio', params) : t('quotas.ratioPercent', { ...params, percent });
}

export interface AnswerFacts {
  resource: QuotaResource;
  planName: string;
  used: number;
  limit: number | null;
  allowed: boolean;
  status: SubscriptionStatus;
  serving: boolean;
  upgrade: UpgradePath;
  renewalUrl: string;
}

/** The sentence of a quota-check answer: the ERP shows it as-is when it refuses a creation. */
export function answerMessage(f: AnswerFacts): string {
  if (!f.serving) {
    const state = f.status === 'suspended' ? 'quotas.inactive.suspended' : f.status === 'cancelled' ? 'quotas.inactive.cancelled' : 'quotas.inactive.expired';
    return t('quotas.message.inactive', { state: t(state), blocked: t(`quotas.blocked.${f.resource}`), url: f.renewalUrl });
  }
  if (f.limit === null) return t(`quotas.message.unlimited.${f.resource}`, { plan: f.planName });
  if (f.allowed) return t('quotas.message.within', { plan: f.planName, limit: amountText(f.resource, f.limit), used: amountText(f.resource, f.used) });
  const next = t(`quotas.next.${f.upgrade.kind}.${f.resource}`, { url: f.upgrade.url });
  return t('quotas.message.reached', { plan: f.planName, limit: amountText(f.resource, f.limit), next });
}
