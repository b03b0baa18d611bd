// An expiry chosen as a calendar date (« valable jusqu'au 31/12/2026 ») means: until the end of that
// day in France. The key stops working at the following midnight, Paris time.
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const OFFSET = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' });

/** `2026-12-31` → 2027-01-01T00:00 in Paris, as an instant; undefined for anything but a real date. */
export function expiryAfterDay(value: string): Date | undefined {
  const match = DATE.exec(value.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  const midnightUtc = Date.UTC(year, month - 1, day + 1);
  return new Date(midnightUtc - parisOffsetMs(new Date(midnightUtc)));
}

function parisOffsetMs(at: Date): number {
  const name = OFFSET.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) * 60_000;
}
