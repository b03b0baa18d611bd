// Validation of the contact form.
import {
  type FormErrors, type FormValues, HONEYPOT_FIELD, isValidEmail, normaliseEmail, normaliseFrenchPhone, readStrings, readText,
} from '../forms/form-fields.ts';
import { t } from '../i18n/index.ts';

export const CONTACT_SUBJECTS = ['information', 'enterprise', 'support', 'autre'] as const;
export type ContactSubject = (typeof CONTACT_SUBJECTS)[number];
export type ContactField = 'nom' | 'email' | 'entreprise' | 'telephone' | 'sujet' | 'message';

export interface ContactInput {
  nom: string;
  email: string;
  entreprise: string | null;
  telephone: string | null;
  sujet: ContactSubject;
  message: string;
}

export type ContactFormResult =
  | { ok: true; value: ContactInput }
  | { ok: false; errors: FormErrors<ContactField>; values: FormValues; honeypot: boolean };

export function parseContactForm(body: unknown): ContactFormResult {
  const values = readStrings(body);
  const errors: FormErrors<ContactField> = {};
  const nom = readText(values, errors, 'nom', 200);
  const email = normaliseEmail(readText(values, errors, 'email', 254));
  if (email && !errors.email && !isValidEmail(email)) errors.email = t('signup.error.email');
  const entreprise = readText(values, errors, 'entreprise', 100, false);
  const telephoneRaw = readText(values, errors, 'telephone', 30, false);
  const telephone = telephoneRaw && !errors.telephone ? normaliseFrenchPhone(telephoneRaw) : undefined;
  if (telephoneRaw && !errors.telephone && !telephone) errors.telephone = t('signup.error.phone');
  const sujet = values.sujet ?? '';
  if (!CONTACT_SUBJECTS.includes(sujet as ContactSubject)) errors.sujet = t('contact.error.subject');
  // Messages keep their line breaks: read them without collapsing whitespace.
  const message = (values.message ?? '').trim();
  if (!message) errors.message = t('signup.error.required');
  else if (message.length > 5000) errors.message = t('signup.error.tooLong', { max: 5000 });
  const honeypot = Boolean(values[HONEYPOT_FIELD]);
  if (Object.keys(errors).length > 0 || honeypot) return { ok: false, errors, values, honeypot };
  return {
    ok: true,
    value: { nom, email, entreprise: entreprise || null, telephone: telephone ?? null, sujet: sujet as ContactSubject, message },
  };
}
