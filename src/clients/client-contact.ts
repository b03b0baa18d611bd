// A client's contact details changed through the API (PATCH /api/v1/clients/{id}): each field checked and normalised
// by the trial form's own rules (src/signup/signup-form.ts: e-mail syntax and lower-cased domain, no disposable
// address, French phone number to E.164…), so a client's details read the same whichever way they came in.
import type { FieldProblem } from '../errors.ts';
import type { Plan } from '../plans/plan.ts';
import { type Effectif, parseSignupForm } from '../signup/signup-form.ts';

export const CONTACT_FIELDS = ['nom', 'prenom', 'entreprise', 'email', 'telephone', 'effectif'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

/** The fields to change, as sent. */
export type ContactPatch = Partial<Record<ContactField, string>>;

/** The same, checked and normalised. */
export type ContactChanges = Partial<{ nom: string; prenom: string; entreprise: string; email: string; telephone: string; effectif: Effectif }>;

/**
 * Valid values for the fields a change leaves alone: the form wants them all, and only the fields sent are judged
 * (a client created by the original API may hold no phone number, which the form would refuse).
 */
const STAND_INS: Record<ContactField, string> = {
  nom: 'Martin', prenom: 'Julie', entreprise: 'Martin Rénovation', email: 'julie@martin-renovation.fr', telephone: '06 12 34 56 78', effectif: '1-5',
};

export function parseContactPatch(patch: ContactPatch, plans: readonly Plan[]): { ok: true; value: ContactChanges } | { ok: false; errors: FieldProblem[] } {
  const sent = CONTACT_FIELDS.filter((field) => patch[field] !== undefined);
  // The plan and the consent are not contact details: any plan of the catalogue, consent given.
  const catalogue = plans.map((plan) => ({ ...plan, selfService: true }));
  const given = Object.fromEntries(sent.map((field) => [field, patch[field]]));
  const form = parseSignupForm({ ...STAND_INS, ...given, plan: catalogue[0]?.id, cgv: 'on' }, catalogue);
  if (!form.ok) return { ok: false, errors: sent.flatMap((field) => (form.errors[field] ? [{ field, message: form.errors[field] }] : [])) };
  return { ok: true, value: Object.fromEntries(sent.map((field) => [field, form.value[field]])) };
}
