// The HTTP health probe of an instance (GET <url>/health must answer 200 within a short timeout), with the detail
// the history keeps, and a limiter so a cycle never opens more than a bounded number of probes at once.

export interface ProbeResult {
  ok: boolean;
  /** The answer's status, null when none came. */
  httpStatus: number | null;
  latencyMs: number;
  /** Why it failed, for operators: `HTTP 503`, `timeout after 5000 ms`, `ECONNREFUSED`. */
  detail: string | null;
}

export type Probe = (url: string, options: { timeoutMs: number; signal?: AbortSignal }) => Promise<ProbeResult>;

export const probeInstance: Probe = async (url, { timeoutMs, signal }) => {
  const started = performance.now();
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { signal: signal ? AbortSignal.any([timeout, signal]) : timeout, redirect: 'manual' });
    await response.body?.cancel();
    const latencyMs = Math.round(performance.now() - started);
    return { ok: response.status === 200, httpStatus: response.status, latencyMs, detail: response.status === 200 ? null : `HTTP ${response.status}` };
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    return { ok: false, httpStatus: null, latencyMs, detail: timeout.aborted ? `timeout after ${timeoutMs} ms` : failureReason(error) };
  }
};

function failureReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}

/** Runs at most `concurrency` of the given tasks at a time, in call order. */
export function createLimiter(concurrency: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async function limit<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot to the next waiting one, so a newcomer can never slip in between.
    if (active < concurrency) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
