// How a plan reads on the site: price, quotas, call to action. Shared by the pricing page and the trial form.
import { format, t } from '../../../i18n/index.ts';
import type { Plan } from '../../../plans/plan.ts';

const UNLIMITED = -1;

export function usersLine(n: number): string {
  if (n === UNLIMITED) return t('site.pricing.quota.users.unlimited');
  return n === 1 ? t('site.pricing.quota.users.one') : t('site.pricing.quota.users.other', { count: format.integer(n) });
}

export function projectsLine(n: number): string {
  if (n === UNLIMITED) return t('site.pricing.quota.projects.unlimited');
  return n === 1 ? t('site.pricing.quota.projects.one') : t('site.pricing.quota.projects.other', { count: format.integer(n) });
}

export function storageLine(gb: number): string {
  if (gb === UNLIMITED) return t('site.pricing.quota.storage.unlimited');
  return t('site.pricing.quota.storage.other', { count: format.integer(gb) });
}

/** « 5 utilisateurs », « Chantiers illimités », « 10 Go de stockage ». */
export function quotaLines(plan: Plan): string[] {
  return [usersLine(plan.quotas.users), projectsLine(plan.quotas.projects), storageLine(plan.quotas.storageGb)];
}

export interface PriceText {
  amount: string;
  period: string;
}

export function priceText(plan: Plan): PriceText {
  if (plan.monthlyPrice === null) return { amount: t('site.pricing.onQuote'), period: t('site.pricing.onQuotePeriod') };
  if (plan.monthlyPrice === 0) return { amount: t('site.pricing.free'), period: t('site.pricing.freePeriod', { days: plan.trialDays }) };
  return { amount: format.euros(plan.monthlyPrice), period: t('site.pricing.perMonth') };
}

export interface PlanCta {
  label: string;
  href: string;
}

/** Self-service plans start a trial of that plan; the others go to the contact form. */
export function planCta(plan: Plan): PlanCta {
  if (!plan.selfService) return { label: t('site.pricing.cta.enterprise'), href: '/contact?sujet=enterprise' };
  if (plan.monthlyPrice === 0) return { label: t('site.pricing.cta.essai'), href: `/essai?plan=${encodeURIComponent(plan.id)}` };
  return { label: t('site.pricing.cta.paid', { plan: plan.name }), href: `/essai?plan=${encodeURIComponent(plan.id)}` };
}

/** Trial length to advertise: the essai plan's, else the longest self-service trial, else 30. */
export function advertisedTrialDays(plans: readonly Plan[]): number {
  const essai = plans.find((p) => p.id === 'essai');
  if (essai) return essai.trialDays;
  const days = plans.filter((p) => p.selfService).map((p) => p.trialDays);
  return days.length ? Math.max(...days) : 30;
}
