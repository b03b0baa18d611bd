// The demo ERP's translator and French formatters.
import { createTranslator } from '../../src/i18n/translator.ts';
import { fr } from './fr.ts';

export type { TenantMessageKey } from './fr.ts';
export const t = createTranslator(fr);

const LOCALE = 'fr-FR';
// Built on first use: creating them costs each instance tens of milliseconds at start, before it is ready.
let formatters: { longDate: Intl.DateTimeFormat; calendarDate: Intl.DateTimeFormat; shortCalendarDate: Intl.DateTimeFormat } | undefined;
const formatter = () => (formatters ??= {
  longDate: new Intl.DateTimeFormat(LOCALE, { dateStyle: 'long', timeZone: 'Europe/Paris' }),
  // Calendar dates (YYYY-MM-DD) carry no time zone: format them in UTC so they never shift by a day.
  calendarDate: new Intl.DateTimeFormat(LOCALE, { dateStyle: 'long', timeZone: 'UTC' }),
  shortCalendarDate: new Intl.DateTimeFormat(LOCALE, { dateStyle: 'short', timeZone: 'UTC' }),
});

export const format = {
  date: (d: Date) => formatter().longDate.format(d),
  calendarDate: (isoDate: string) => formatter().calendarDate.format(new Date(`${isoDate}T00:00:00Z`)),
  shortCalendarDate: (isoDate: string) => formatter().shortCalendarDate.format(new Date(`${isoDate}T00:00:00Z`)),
};
