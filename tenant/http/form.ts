// Reading urlencoded form bodies leniently: a missing or repeated field becomes '' rather than an error,
// and validation messages are the services' job.
export function formText(body: unknown, key: string, options: { trim?: boolean; max?: number } = {}): string {
  if (typeof body !== 'object' || body === null) return '';
  const value = (body as Record<string, unknown>)[key];
  if (typeof value !== 'string') return '';
  const text = options.trim === false ? value : value.trim();
  return text.slice(0, options.max ?? 1_000);
}

/** Route ids are positive bigints; anything else is a 404, never a database error. */
export function parseId(value: unknown): string | undefined {
  return typeof value === 'string' && /^[1-9]\d{0,17}$/.test(value) ? value : undefined;
}
