// Arithmetic on class activation maps (Zhou et al. 2016) of a GAP classifier, as examples/cam.ts uses
// them: a network whose logit c is the mean of its last conv's map c. Plain arrays, no tapegrad, so
// the page's main thread can use them without the library.

/** softmax of a few logits, computed stably. */
export function softmax(logits: ArrayLike<number>): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const out = new Float32Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i]! - max);
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

/** Index of the largest value (the first of ties). */
export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/** Map `c` of `classes` maps of `size x size`, stored (class, row, col) in one array. */
export function classMap(maps: Float32Array, c: number, size: number): Float32Array {
  return maps.slice(c * size * size, (c + 1) * size * size);
}

/** The means of each map: for the NiN head, the logits. */
export function mapMeans(maps: Float32Array, classes: number): Float32Array {
  const n = maps.length / classes, out = new Float32Array(classes);
  for (let c = 0; c < classes; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += maps[c * n + i]!;
    out[c] = s / n;
  }
  return out;
}

/** Values scaled from their min (0) to their max (1), as cam.ts shows a map; all zero when flat. */
export function minMaxScale(v: Float32Array): Float32Array {
  let lo = Infinity, hi = -Infinity;
  for (const x of v) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  return v.map((x) => (hi > lo ? (x - lo) / (hi - lo) : 0));
}

/** The brightest cell of a `size x size` map. */
export interface MapCell {
  row: number;
  col: number;
  value: number;
}

export function brightestCell(map: Float32Array, size: number): MapCell {
  const i = argmax(map);
  return { row: Math.floor(i / size), col: i % size, value: map[i]! };
}

/** The rectangle a cell of a `grid x grid` map covers in a `field x field` input (pixel units). */
export function cellRect(cell: MapCell, grid: number, field: number): { x: number; y: number; width: number; height: number } {
  const s = field / grid;
  return { x: cell.col * s, y: cell.row * s, width: s, height: s };
}

/**
 * The map's mass-weighted centre in input pixels (cell centres at (i + 0.5) field / size), or null for
 * a map of zeros. nin-bn's maps are non-negative (its head ends in a ReLU). Sturdier than the
 * brightest cell: nin-bn's evidence for a thin "1" lies beside the stroke, on both sides.
 */
export function mapCentroid(map: Float32Array, size: number, field: number): { x: number; y: number } | null {
  const s = field / size;
  let m = 0, mx = 0, my = 0;
  for (let i = 0; i < map.length; i++) {
    const v = Math.max(0, map[i]!);
    m += v;
    mx += v * ((i % size) + 0.5) * s;
    my += v * (Math.floor(i / size) + 0.5) * s;
  }
  return m > 0 ? { x: mx / m, y: my / m } : null;
}

/** Heat colour of t in [0, 1], blue -> cyan -> yellow -> red (examples/lib/png.ts's heatColor). */
export function heatRgb(t: number): [number, number, number] {
  const v = Math.min(1, Math.max(0, t));
  const ch = (k: number): number => Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * v - k))));
  return [ch(3), ch(2), ch(1)];
}
