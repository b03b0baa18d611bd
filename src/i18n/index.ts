// The platform's messages. French is the reference catalogue; other languages may follow as
// partial catalogues that fall back to French.
import { createTranslator } from './translator.ts';
import { fr } from './fr/index.ts';

export type MessageKey = keyof typeof fr & string;
export const t = createTranslator(fr);

const LOCALE = 'fr-FR';
const PARIS = 'Europe/Paris';

const euro = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
const integer = new Intl.NumberFormat(LOCALE);
const longDate = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'long', timeZone: PARIS });
const dateTime = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'short', timeStyle: 'medium', timeZone: PARIS });
const time = new Intl.DateTimeFormat(LOCALE, { timeStyle: 'medium', timeZone: PARIS });

export const format = {
  euros: (amount: number) => euro.format(amount),
  integer: (n: number) => integer.format(n),
  date: (d: Date) => longDate.format(d),
  dateTime: (d: Date) => dateTime.format(d),
  time: (d: Date) => time.format(d),
};
