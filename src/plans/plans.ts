// Loading the plan catalogue: the shipped defaults (the seed's figures) or the vendor's file.
import { readFileSync } from 'node:fs';
import Type from 'typebox';
import Value from 'typebox/value';
import { ConfigError } from '../config.ts';
import { t } from '../i18n/index.ts';
import { type Plan, PlanSchema } from './plan.ts';

const DEFAULT_PLANS_FILE = new URL('./plans.defaults.json', import.meta.url);
const Catalogue = Type.Array(PlanSchema, { minItems: 1 });

export function loadPlans(file?: string): Plan[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file ?? DEFAULT_PLANS_FILE, 'utf8'));
  } catch (error) {
    throw new ConfigError([t('config.plans.invalid', { reason: (error as Error).message })]);
  }
  if (!Value.Check(Catalogue, data)) {
    const first = [...Value.Errors(Catalogue, data)][0];
    throw new ConfigError([t('config.plans.invalid', { reason: `${first?.instancePath ?? ''} ${first?.message ?? ''}`.trim() })]);
  }
  const plans = data as Plan[];
  const ids = new Set<string>(plans.map((p) => p.id));
  if (ids.size !== plans.length || !ids.has('essai')) {
    throw new ConfigError([t('config.plans.invalid', { reason: 'identifiants en double ou plan « essai » manquant' })]);
  }
  return plans;
}

export function findPlan(plans: readonly Plan[], id: string): Plan | undefined {
  return plans.find((p) => p.id === id);
}
