// Dates and times in the trial e-mails, in Paris time and French typography: « 1er avril 2027 à 7 h 05 ».
import { t } from '../../src/i18n/index.ts';

const ZONE = 'Europe/Paris';
const dayMonthYear = new Intl.DateTimeFormat('fr-FR', { timeZone: ZONE, day: 'numeric', month: 'long', year: 'numeric' });
const hourMinute = new Intl.DateTimeFormat('fr-FR', { timeZone: ZONE, hourCycle: 'h23', hour: 'numeric', minute: '2-digit' });

/** « 30 mars 2027 », « 1er avril 2027 ». */
export function trialDate(iso: string): string {
  const parts = dayMonthYear.formatToParts(new Date(iso));
  return parts.map((p) => (p.type === 'day' && p.value === '1' ? '1er' : p.value)).join('');
}

/** « 14 h 23 », « 7 h 05 », with no-break spaces. */
export function trialTime(iso: string): string {
  const parts = hourMinute.formatToParts(new Date(iso));
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? '0');
  const minute = parts.find((p) => p.type === 'minute')?.value ?? '00';
  return `${hour}\u00a0h\u00a0${minute}`;
}

/** « 30 mars 2027 à 14 h 23 ». */
export function trialDateTime(iso: string): string {
  return t('mail.trial.dateAt', { date: trialDate(iso), time: trialTime(iso) });
}
