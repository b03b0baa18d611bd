// Server-side validation of the chantier form. Returns either a clean input or one French message per
// invalid field; the raw values are kept by the caller to refill the form.
import type { TenantMessageKey } from '../i18n/index.ts';
import { CHANTIER_STATUSES } from './chantiers.repository.ts';
import type { ChantierInput, ChantierStatus } from './chantiers.repository.ts';

export type ChantierField = 'name' | 'client' | 'address' | 'startDate' | 'status';
export type ChantierForm = Record<ChantierField, string>;
export type ChantierErrors = Partial<Record<ChantierField, TenantMessageKey>>;

export function emptyChantierForm(): ChantierForm {
  return { name: '', client: '', address: '', startDate: '', status: 'a_venir' };
}

/** Reads the posted body leniently (anything not a string becomes ''), trimming text fields. */
export function readChantierForm(body: unknown): ChantierForm {
  const source = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (key: string) => (typeof source[key] === 'string' ? source[key].trim() : '');
  return { name: text('name'), client: text('client'), address: text('address'), startDate: text('startDate'), status: text('status') };
}

export function validateChantier(form: ChantierForm): { ok: true; input: ChantierInput } | { ok: false; errors: ChantierErrors } {
  const errors: ChantierErrors = {};
  if (form.name === '') errors.name = 'chantiers.error.nameRequired';
  else if (form.name.length > 120) errors.name = 'chantiers.error.nameTooLong';
  if (form.client === '') errors.client = 'chantiers.error.clientRequired';
  else if (form.client.length > 120) errors.client = 'chantiers.error.clientTooLong';
  if (form.address.length > 300) errors.address = 'chantiers.error.addressTooLong';
  const startDate = form.startDate === '' ? null : parseDate(form.startDate);
  if (startDate === undefined) errors.startDate = 'chantiers.error.startDateInvalid';
  const status = CHANTIER_STATUSES.find((s) => s === form.status);
  if (!status) errors.status = 'chantiers.error.statusInvalid';

  if (Object.keys(errors).length > 0 || startDate === undefined || !status) return { ok: false, errors };
  return { ok: true, input: { name: form.name, client: form.client, address: form.address, startDate, status: status satisfies ChantierStatus } };
}

/** Accepts the date input's YYYY-MM-DD and the French DD/MM/YYYY (typed where no date picker exists). */
export function parseDate(value: string): string | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : french
      ? [Number(french[3]), Number(french[2]), Number(french[1])]
      : [NaN, NaN, NaN];
  if (!(year >= 1900 && year <= 2200)) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}
