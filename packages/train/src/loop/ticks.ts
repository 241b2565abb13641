// Axis ticks on a 1-2-5 grid ("nice numbers", as in Heckbert's Graphics Gems I algorithm and
// matplotlib's MaxNLocator): the step is 1, 2 or 5 x 10^k, and labels carry just the decimals that
// step needs, so they are short and always distinct.

/** Ticks of one axis. `lo` and `hi` are the outermost ticks, which enclose the data. */
export interface Ticks {
  values: number[];
  labels: string[];
  step: number;
  lo: number;
  hi: number;
}

const MANTISSAS = [1, 2, 5] as const;

/** The 1-2-5 steps from the one at or below `raw` upwards: [m, k] with step = m x 10^k. */
function* stepsFrom(raw: number): Generator<[number, number]> {
  for (let k = Math.floor(Math.log10(raw)) - 1; ; k++) {
    for (const m of MANTISSAS) yield [m, k];
  }
}

/** Decimals that make the labels of a step m x 10^k exact: 0.05 -> 2, 0.2 -> 1, 5 -> 0. */
function decimalsOf(k: number): number {
  return Math.max(0, -k);
}

/** A zero-width range (one value, or all values equal) widened to something ticks can split. */
function widen(min: number, max: number): [number, number] {
  if (max - min > 1e-9 * Math.max(1, Math.abs(min), Math.abs(max))) return [min, max];
  const pad = min === 0 ? 0.5 : Math.abs(min) * 0.05;
  return [min - pad, max + pad];
}

/**
 * At most `maxCount` (>= 2) ticks on a 1-2-5 grid that enclose [min, max]. Non-finite bounds give
 * 0..1; a degenerate range (min == max) is widened by 5 % of the value, so ticks stay distinct.
 */
export function niceTicks(min: number, max: number, maxCount = 6): Ticks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) [min, max] = [0, 1];
  if (max < min) [min, max] = [max, min];
  [min, max] = widen(min, max);
  const count = Math.max(2, Math.floor(maxCount));
  for (const [m, k] of stepsFrom((max - min) / (count - 1))) {
    const step = m * 10 ** k;
    const first = Math.floor(min / step + 1e-9), last = Math.ceil(max / step - 1e-9);
    if (last - first + 1 > count) continue;
    const decimals = decimalsOf(k);
    const values: number[] = [], labels: string[] = [];
    for (let i = first; i <= last; i++) {
      const label = (i * step).toFixed(decimals);
      values.push(Number(label));
      labels.push(label === `-${(0).toFixed(decimals)}` ? label.slice(1) : label);
    }
    return { values, labels, step, lo: values[0]!, hi: values[values.length - 1]! };
  }
  throw new Error('niceTicks: unreachable');
}

/**
 * Integer ticks inside [1, n] (epochs) on a 1-2-5 grid, at most `maxCount`: every epoch for short
 * runs, then multiples of 2, 5, 10, ... One epoch gives the single tick 1.
 */
export function epochTicks(n: number, maxCount: number): Ticks {
  const last = Math.max(1, Math.floor(n));
  const count = Math.max(1, Math.floor(maxCount));
  for (const [m, k] of stepsFrom(1)) {
    const step = m * 10 ** k;
    if (step < 1) continue;
    const values: number[] = [];
    for (let v = step === 1 ? 1 : step; v <= last; v += step) values.push(v);
    if (values.length === 0) values.push(1);
    if (values.length > count) continue;
    return { values, labels: values.map(String), step, lo: 1, hi: last };
  }
  throw new Error('epochTicks: unreachable');
}
