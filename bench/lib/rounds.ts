// Timed rounds for the server-side list benchmarks: one warm-up call of every input (JIT, plans, caches), then
// rounds in which the baselines and every kind run once each, in turn, so that the machine's noise hits them all
// alike. A kind cycles through its inputs from one round to the next.
import { percentile } from './platform.ts';

export interface RoundKind<I> {
  name: string;
  inputs: I[];
}

export async function timeRounds<I, R>(options: {
  rounds: number;
  baselines: Record<string, (round: number) => Promise<unknown>>;
  kinds: RoundKind<I>[];
  run: (input: I) => Promise<R>;
  /** Each timed call of a kind, with the index of its input. */
  onCall?: (call: { kind: RoundKind<I>; input: number; round: number; ms: number; result: R }) => void;
}): Promise<Map<string, number[]>> {
  const { rounds, baselines, kinds, run } = options;
  for (const kind of kinds) for (const input of kind.inputs) await run(input);
  const samples = new Map<string, number[]>([...Object.keys(baselines), ...kinds.map((k) => k.name)].map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [label, baseline] of Object.entries(baselines)) {
      const t0 = performance.now();
      await baseline(round);
      samples.get(label)!.push(performance.now() - t0);
    }
    for (const kind of kinds) {
      const input = round % kind.inputs.length;
      const t0 = performance.now();
      const result = await run(kind.inputs[input]!);
      const ms = performance.now() - t0;
      samples.get(kind.name)!.push(ms);
      options.onCall?.({ kind, input, round, ms, result });
    }
  }
  return samples;
}

export function latencyStats(values: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1)! };
}
