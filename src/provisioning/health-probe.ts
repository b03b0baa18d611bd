// The application-level health check of a tenant: GET <url> answers 200 within a short timeout.
const PROBE_TIMEOUT_MS = 2_000;

export async function probeHealth(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), redirect: 'manual' });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}
