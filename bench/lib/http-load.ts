// HTTP load with autocannon, keeping every response's time and status: measurements cut in slices run in
// turn (A B B A) can then be merged, so that the drift of a noisy machine, or of a growing database, hits
// each measurement alike; percentiles are computed over all the merged responses.
import autocannon from 'autocannon';
import { percentile } from './platform.ts';

export interface LoadSample {
  /** Seconds of load, summed over the merged runs. */
  seconds: number;
  /** Response times in ms, every response. */
  times: number[];
  statuses: Map<number, number>;
  /** Connection errors and timeouts. */
  errors: number;
}

export function runLoad(options: autocannon.Options): Promise<LoadSample> {
  const times: number[] = [];
  const statuses = new Map<number, number>();
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error: Error | null, result: autocannon.Result) => {
      if (error) reject(error);
      else resolve({ seconds: result.duration, times, statuses, errors: result.errors + result.timeouts });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      times.push(responseTime);
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    });
  });
}

export function mergeLoads(samples: LoadSample[]): LoadSample {
  const statuses = new Map<number, number>();
  for (const sample of samples) for (const [status, count] of sample.statuses) statuses.set(status, (statuses.get(status) ?? 0) + count);
  return {
    seconds: samples.reduce((sum, s) => sum + s.seconds, 0),
    times: samples.flatMap((s) => s.times),
    statuses,
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
  };
}

export function summarizeLoad(sample: LoadSample) {
  const sorted = [...sample.times].sort((a, b) => a - b);
  let ok = 0;
  for (const [status, count] of sample.statuses) if (status >= 200 && status < 300) ok += count;
  return {
    /** 2xx answers per second. */
    okPerSecond: ok / sample.seconds,
    ok,
    non2xx: sorted.length - ok,
    errors: sample.errors,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
    /** The statuses other than 2xx, e.g. `409×3`. */
    otherStatuses: [...sample.statuses].filter(([status]) => status < 200 || status >= 300).map(([status, count]) => `${status}×${count}`).join(' '),
  };
}
