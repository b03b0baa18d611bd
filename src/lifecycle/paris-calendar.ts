// Calendar arithmetic in Europe/Paris without a date library. Two rules keep it right across the changes of
// late March (a 23-hour day) and late October (a 25-hour day):
// - a count of days is a difference of Paris *dates* (Y-M-D read through Intl), never of instants divided by
//   24 hours;
// - "n days later" keeps the Paris wall-clock time and moves the date, then finds the instant showing it.
// The zone's rules come from the ICU data Node ships, like every other Paris date the platform prints.

const ZONE = 'Europe/Paris';
const DAY_MS = 86_400_000;

/** A Paris calendar date, `YYYY-MM-DD`. */
export type ParisDate = string;

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE, hourCycle: 'h23',
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

function wallClock(instant: Date): WallClock {
  const read: Record<string, number> = {};
  for (const part of parts.formatToParts(instant)) if (part.type !== 'literal') read[part.type] = Number(part.value);
  return {
    year: read.year!, month: read.month!, day: read.day!, hour: read.hour!, minute: read.minute!, second: read.second!,
    millisecond: ((instant.getTime() % 1000) + 1000) % 1000,
  };
}

/** The wall-clock reading as if it were UTC: the arithmetic space in which every day has 24 hours. */
function wallMs(w: WallClock): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
}

/** Paris offset from UTC at an instant, in ms (+1 h in winter, +2 h in summer). */
function offsetAt(instantMs: number): number {
  return wallMs(wallClock(new Date(instantMs))) - instantMs;
}

/**
 * The instant at which Paris clocks show `wall` (as UTC milliseconds of the wall reading). A time skipped by the
 * March change (02:30) is read with the offset before the change, so it lands after the gap (03:30); a time seen
 * twice in October (02:30) is its first occurrence (summer time), as Temporal's "compatible" disambiguation does.
 */
function instantOfWall(wall: number): Date {
  const before = offsetAt(wall - DAY_MS);
  const after = offsetAt(wall + DAY_MS);
  const candidates = [wall - before, wall - after].filter((t) => offsetAt(t) === wall - t).sort((a, b) => a - b);
  return new Date(candidates[0] ?? wall - before);
}

/** The Paris calendar date of an instant. */
export function parisDate(instant: Date): ParisDate {
  const w = wallClock(instant);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/** Minutes since Paris midnight, as the clocks show them (07:00 is 420 on every day, changes included). */
export function parisMinuteOfDay(instant: Date): number {
  const w = wallClock(instant);
  return w.hour * 60 + w.minute;
}

/** Calendar days from `from` to `to` (positive when `to` is later). Exact: both are dates, not instants. */
export function daysBetween(from: ParisDate, to: ParisDate): number {
  return Math.round((dateMs(to) - dateMs(from)) / DAY_MS);
}

/** The date `days` calendar days after `date` (before it when negative). */
export function addDays(date: ParisDate, days: number): ParisDate {
  const d = new Date(dateMs(date) + days * DAY_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The instant `days` Paris calendar days after `instant`, at the same Paris wall-clock time. */
export function addParisDays(instant: Date, days: number): Date {
  return instantOfWall(wallMs(wallClock(instant)) + days * DAY_MS);
}

/** The instant Paris clocks show `minuteOfDay` on `date`. */
export function parisInstant(date: ParisDate, minuteOfDay: number): Date {
  return instantOfWall(dateMs(date) + minuteOfDay * 60_000);
}

/** `YYYY-MM-DD` that names a real date, or undefined. */
export function parseParisDate(raw: string): ParisDate | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) return undefined;
  const ms = dateMs(raw);
  return Number.isFinite(ms) && addDays(raw, 0) === raw ? raw : undefined;
}

function dateMs(date: ParisDate): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
