// Timing helpers shared by the benchmark parts: warm-up then timed repeats within a budget, median.

/** One figure, printed as one JSON line. */
export type BenchRecord = Record<string, string | number | boolean | null | readonly number[]>;

export interface Plan {
  /** Warm-up steps at most (they also stop at 30 % of the budget). */
  readonly warmup: number;
  /** Timed steps at most. */
  readonly reps: number;
}

export const PLANS = {
  train: { warmup: 5, reps: 40 },
  infer: { warmup: 3, reps: 20 },
  micro: { warmup: 3, reps: 30 },
  kernel: { warmup: 2, reps: 20 },
} as const satisfies Record<string, Plan>;

export interface Timing {
  /** Seconds per timed step. */
  readonly times: number[];
  readonly warmup: number;
  /** True when the first step alone exceeded the budget (then `times` holds just that step). */
  readonly alone: boolean;
}

/** Runs `step` as torch_bench.py does: warm-up, then timed steps while the budget lasts. */
export function measure(step: () => void, plan: Plan, budgetS: number): Timing {
  const t0 = performance.now();
  const timed = (): number => {
    const a = performance.now();
    step();
    return (performance.now() - a) / 1000;
  };
  const warm = [timed()];
  if (warm[0]! >= budgetS) return { times: warm, warmup: 0, alone: true };
  const elapsed = (): number => (performance.now() - t0) / 1000;
  while (warm.length < plan.warmup && elapsed() + warm[warm.length - 1]! <= 0.3 * budgetS) warm.push(timed());
  const times: number[] = [];
  while (times.length < plan.reps) {
    const est = times.length > 0 ? median(times) : warm[warm.length - 1]!;
    if (times.length > 0 && elapsed() + est > budgetS) break;
    times.push(timed());
  }
  return { times, warmup: warm.length, alone: false };
}

/** `measure` for an asynchronous step (a peer's `session.run`): the same warm-up, budget and stop rule. */
export async function measureAsync(step: () => Promise<void>, plan: Plan, budgetS: number): Promise<Timing> {
  const t0 = performance.now();
  const timed = async (): Promise<number> => {
    const a = performance.now();
    await step();
    return (performance.now() - a) / 1000;
  };
  const warm = [await timed()];
  if (warm[0]! >= budgetS) return { times: warm, warmup: 0, alone: true };
  const elapsed = (): number => (performance.now() - t0) / 1000;
  while (warm.length < plan.warmup && elapsed() + warm[warm.length - 1]! <= 0.3 * budgetS) warm.push(await timed());
  const times: number[] = [];
  while (times.length < plan.reps) {
    const est = times.length > 0 ? median(times) : warm[warm.length - 1]!;
    if (times.length > 0 && elapsed() + est > budgetS) break;
    times.push(await timed());
  }
  return { times, warmup: warm.length, alone: false };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))]!;
}

/** Peak resident set size of this process so far, MiB. */
export function peakRssMiB(): number {
  return round(process.resourceUsage().maxRSS / 1024, 1);
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Prints a record as one JSON line on stdout (the parent process collects them). */
export function emit(rec: BenchRecord): void {
  process.stdout.write(`${JSON.stringify({ system: 'tapegrad', ...rec })}\n`);
}

/** Timing statistics of a record, in milliseconds. */
export function stats(t: Timing): BenchRecord {
  const rec: BenchRecord = {
    median_ms: round(median(t.times) * 1e3, 3),
    n: t.times.length,
    warmup: t.warmup,
    p10_ms: round(quantile(t.times, 0.1) * 1e3, 3),
    p90_ms: round(quantile(t.times, 0.9) * 1e3, 3),
    min_ms: round(Math.min(...t.times) * 1e3, 3),
  };
  if (t.alone) rec['note'] = 'one step took longer than the budget: this is that single (first) step';
  return rec;
}
