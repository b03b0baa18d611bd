// Validation of the trial form: every field bounded, normalised, and explained in French.
import {
  type FormErrors, type FormValues, HONEYPOT_FIELD, isValidEmail, normaliseEmail, normaliseFrenchPhone, readStrings, readText,
} from '../forms/form-fields.ts';
import { t } from '../i18n/index.ts';
import type { Plan, PlanId } from '../plans/plan.ts';
import { isDisposableEmail } from './disposable-domains.ts';

export const EFFECTIFS = ['1-5', '6-10', '11-50', '50+'] as const;
export type Effectif = (typeof EFFECTIFS)[number];

export const SIGNUP_FIELDS = ['nom', 'prenom', 'email', 'entreprise', 'telephone', 'effectif', 'plan', 'cgv'] as const;
export type SignupField = (typeof SIGNUP_FIELDS)[number];

export interface SignupInput {
  nom: string;
  prenom: string;
  email: string;
  entreprise: string;
  /** E.164, e.g. +33612345678 */
  telephone: string;
  effectif: Effectif;
  plan: PlanId;
}

export type SignupFormResult =
  | { ok: true; value: SignupInput }
  | { ok: false; errors: FormErrors<SignupField>; values: FormValues; honeypot: boolean };

const PERSON_NAME = /^[\p{L}][\p{L}\p{M} '’.-]*$/u;
const COMPANY = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} '’&.,()/+-]*$/u;

export function parseSignupForm(body: unknown, plans: readonly Plan[]): SignupFormResult {
  const values = readStrings(body, 2000);
  const errors: FormErrors<SignupField> = {};

  const nom = readText(values, errors, 'nom', 100);
  if (nom && !errors.nom && !PERSON_NAME.test(nom)) errors.nom = t('signup.error.name');
  const prenom = readText(values, errors, 'prenom', 100);
  if (prenom && !errors.prenom && !PERSON_NAME.test(prenom)) errors.prenom = t('signup.error.name');

  const email = normaliseEmail(readText(values, errors, 'email', 254));
  if (email && !errors.email) {
    if (!isValidEmail(email)) errors.email = t('signup.error.email');
    else if (isDisposableEmail(email)) errors.email = t('signup.error.emailDisposable');
  }

  const entreprise = readText(values, errors, 'entreprise', 100);
  if (entreprise && !errors.entreprise && (entreprise.length < 2 || !COMPANY.test(entreprise))) {
    errors.entreprise = t('signup.error.company');
  }

  const telephoneRaw = readText(values, errors, 'telephone', 30);
  const telephone = telephoneRaw && !errors.telephone ? normaliseFrenchPhone(telephoneRaw) : undefined;
  if (telephoneRaw && !errors.telephone && !telephone) errors.telephone = t('signup.error.phone');

  const effectif = values.effectif ?? '';
  if (!EFFECTIFS.includes(effectif as Effectif)) errors.effectif = t('signup.error.effectif');

  const plan = values.plan || 'essai';
  if (!plans.some((p) => p.id === plan && p.selfService)) errors.plan = t('signup.error.plan');

  if (!values.cgv) errors.cgv = t('signup.error.cgv');

  const honeypot = Boolean(values[HONEYPOT_FIELD]);
  if (Object.keys(errors).length > 0 || honeypot) return { ok: false, errors, values, honeypot };
  return {
    ok: true,
    value: { nom, prenom, email, entreprise, telephone: telephone!, effectif: effectif as Effectif, plan: plan as PlanId },
  };
}
