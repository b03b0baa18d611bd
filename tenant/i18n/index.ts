// The demo ERP's translator and French formatters.
import { createTranslator } from '../../src/i18n/translator.ts';
import { fr } from './fr.ts';

export type { TenantMessageKey } from './fr.ts';
export const t = createTranslator(fr);

const LOCALE = 'fr-FR';
const longDate = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'long', timeZone: 'Europe/Paris' });
// Calendar dates (YYYY-MM-DD) carry no time zone: format them in UTC so they never shift by a day.
const calendarDate = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'long', timeZone: 'UTC' });
const shortCalendarDate = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'short', timeZone: 'UTC' });

export const format = {
  date: (d: Date) => longDate.format(d),
  calendarDate: (isoDate: string) => calendarDate.format(new Date(`${isoDate}T00:00:00Z`)),
  shortCalendarDate: (isoDate: string) => shortCalendarDate.format(new Date(`${isoDate}T00:00:00Z`)),
};
