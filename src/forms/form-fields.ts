// Shared pieces of server-side form validation: bounded string reading, e-mail and
// French phone normalisation, French messages.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { t } from '../i18n/index.ts';

export type FormValues = Partial<Record<string, string>>;
export type FormErrors<F extends string> = Partial<Record<F, string>>;

/** Hidden field that people never fill and bots often do. */
export const HONEYPOT_FIELD = 'site_web';

// The HTML living standard's definition of a valid e-mail address, plus a dotted domain.
const EMAIL = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;

export function isValidEmail(value: string): boolean {
  return EMAIL.test(value);
}

/** Keeps only string fields, each cut to a bound (a repeated field is invalid input, not a crash). */
export function readStrings(body: unknown, max = 6000): FormValues {
  const out: FormValues = {};
  if (!body || typeof body !== 'object') return out;
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') out[key] = value.slice(0, max);
  }
  return out;
}

/** Reads a trimmed, whitespace-collapsed text field and records a French error if missing or too long. */
export function readText<F extends string>(values: FormValues, errors: FormErrors<F>, field: F, max: number, required = true): string {
  const value = (values[field] ?? '').trim().replace(/[ \t]+/g, ' ');
  if (!value && required) errors[field] = t('signup.error.required');
  else if (value.length > max) errors[field] = t('signup.error.tooLong', { max });
  return value;
}

/** Trims and lower-cases the domain; the local part keeps its case (RFC 5321). */
export function normaliseEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 0) return value;
  return `${value.slice(0, at)}@${value.slice(at + 1).toLowerCase()}`;
}

/** French numbers in any usual writing (06 12 34 56 78, 06.12…, +33 6…, 0033…) to E.164. */
export function normaliseFrenchPhone(value: string): string | undefined {
  const cleaned = value.replace(/^00/, '+').replace(/[\s.\-()]/g, '');
  const phone = parsePhoneNumberFromString(cleaned, 'FR');
  if (!phone?.isValid()) return undefined;
  return phone.number;
}
