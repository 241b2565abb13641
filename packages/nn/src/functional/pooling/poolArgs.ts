import { fail, formatShape, isInt, type Pool2dParams, type Pool3dParams } from '@tapegrad/tensor';

/** A size for one spatial dim. */
export type Size1 = number | readonly [number];
/** A size for two spatial dims: one number for both, or `[h, w]`. */
export type Size2 = number | readonly [number, number];
/** A size for three spatial dims: one number for all, or `[d, h, w]`. */
export type Size3 = number | readonly [number, number, number];
/** Any of the above (internal). */
export type SizeN = number | readonly number[];

const DIM_NAMES: Record<number, string> = { 1: '(N, C, L) or (C, L)', 2: '(N, C, H, W) or (C, H, W)', 3: '(N, C, D, H, W) or (C, D, H, W)' };

function show(v: unknown): string {
  return Array.isArray(v) ? `[${v.map(String).join(', ')}]` : String(v);
}

/**
 * Resolves a number or an n-tuple of integers to an n-tuple, refusing entries below `min`.
 * Messages: `maxPool2d: stride 0 is below 1; expected a positive integer`.
 */
export function toTuple(fn: string, name: string, v: unknown, n: number, min: number): number[] {
  const list: unknown[] = Array.isArray(v) ? v : [v];
  if (Array.isArray(v) && v.length !== n && !(v.length === 1 && n >= 1)) {
    fail(fn, `${name} ${show(v)} has ${v.length} entries; expected a number or ${n} numbers`);
  }
  const want = min === 1 ? 'a positive integer' : 'a non-negative integer';
  for (const e of list) {
    if (isInt(e) && e >= min) continue;
    const problem = isInt(e) ? `is below ${min}` : 'is not an integer';
    if (Array.isArray(v)) fail(fn, `${name} ${show(v)} has entry ${String(e)}, which ${problem}; expected ${want} in every entry`);
    fail(fn, `${name} ${String(e)} ${problem}; expected ${want}`);
  }
  return list.length === n ? (list as number[]) : new Array<number>(n).fill(list[0] as number);
}

/**
 * Checks a pooling input of `spatial` spatial dims: batched (N, C, *) or unbatched (C, *), every
 * dim but N non-empty. Returns the spatial extents.
 */
export function expectPoolInput(fn: string, shape: readonly number[], spatial: number): number[] {
  const r = shape.length;
  if (r !== spatial + 1 && r !== spatial + 2) {
    fail(fn, `input shape ${formatShape(shape)} has rank ${r}; expected ${DIM_NAMES[spatial] ?? `${spatial + 1} or ${spatial + 2} dims`}`);
  }
  for (let d = r === spatial + 2 ? 1 : 0; d < r; d++) {
    if (shape[d] === 0) fail(fn, `input shape ${formatShape(shape)} has an empty dim ${d}; expected non-zero sizes outside the batch dim`);
  }
  return shape.slice(r - spatial);
}

/** Resolved window options of a pooling op over n spatial dims. */
export interface PoolWindow {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  ceilMode: boolean;
  out: number[];
}

export interface WindowOptions {
  stride?: SizeN | null | undefined;
  padding?: SizeN | undefined;
  dilation?: SizeN | undefined;
  ceilMode?: boolean | undefined;
}

/**
 * PyTorch's pooling_output_shape: floor((L + 2p - d(k-1) - 1 + (ceil ? s-1 : 0)) / s) + 1, then with
 * ceilMode the last window is dropped when it would start in the right padding.
 */
export function poolOutputSize(L: number, k: number, s: number, p: number, d: number, ceilMode: boolean): number {
  let out = Math.floor((L + 2 * p - d * (k - 1) - 1 + (ceilMode ? s - 1 : 0)) / s) + 1;
  if (ceilMode && (out - 1) * s >= L + p) out--;
  return out;
}

/**
 * Resolves and validates the window options of an n-d pool without an input (modules call it in
 * their constructor): integer sizes, stride defaulting to kernelSize, padding at most half the kernel.
 */
export function checkWindow(fn: string, n: number, kernelSize: unknown, o: WindowOptions): Omit<PoolWindow, 'out'> {
  const kernel = toTuple(fn, 'kernelSize', kernelSize, n, 1);
  const stride = o.stride === undefined || o.stride === null ? kernel : toTuple(fn, 'stride', o.stride, n, 1);
  const padding = toTuple(fn, 'padding', o.padding ?? 0, n, 0);
  const dilation = toTuple(fn, 'dilation', o.dilation ?? 1, n, 1);
  const ceilMode = o.ceilMode ?? false;
  if (typeof ceilMode !== 'boolean') fail(fn, `ceilMode ${String(ceilMode)} is not a boolean; expected true or false`);
  for (let i = 0; i < n; i++) {
    // NOTE: PyTorch 1.13 compares padding with half the undilated kernel (the fixtures confirm it),
    // so dilation 2, kernelSize 3, padding 2 is refused although the dilated kernel spans 5.
    if (padding[i]! > Math.floor(kernel[i]! / 2)) {
      fail(fn, `padding ${show(o.padding)} is more than half of kernelSize ${show(kernelSize)}; expected at most ${kernel.map((k) => Math.floor(k / 2)).join(', ')}`);
    }
  }
  return { kernel, stride, padding, dilation, ceilMode };
}

/**
 * Resolves and validates kernelSize / stride (defaults to kernelSize) / padding / dilation and
 * computes the output size, with PyTorch's checks: padding at most half the (undilated) kernel,
 * every output size >= 1.
 */
export function resolveWindow(fn: string, inSpatial: readonly number[], kernelSize: unknown, o: WindowOptions): PoolWindow {
  const { kernel, stride, padding, dilation, ceilMode } = checkWindow(fn, inSpatial.length, kernelSize, o);
  const out = inSpatial.map((L, i) => poolOutputSize(L, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!, ceilMode));
  if (out.some((v) => v < 1)) {
    fail(fn, `kernelSize ${show(kernelSize)} gives output size ${out.join('x')} for input ${inSpatial.join('x')} (stride ${stride.join('x')}, padding ${padding.join('x')}, dilation ${dilation.join('x')}); expected a window that fits the padded input, output size >= 1`);
  }
  return { kernel, stride, padding, dilation, ceilMode, out };
}

/** Resolves an adaptive outputSize (entries may be null: keep that input size); 0 is allowed, as PyTorch. */
export function resolveOutputSize(fn: string, outputSize: unknown, inSpatial: readonly number[]): number[] {
  const n = inSpatial.length;
  const list: unknown[] = Array.isArray(outputSize) ? outputSize : [outputSize];
  if (list.length !== n && list.length !== 1) fail(fn, `outputSize ${show(outputSize)} has ${list.length} entries; expected a number or ${n} entries`);
  const full = list.length === n ? list : new Array<unknown>(n).fill(list[0]);
  return full.map((v, i) => {
    if (v === null || v === undefined) return inSpatial[i]!;
    if (isInt(v) && v >= 0) return v;
    const problem = isInt(v) ? 'is negative' : 'is not an integer';
    if (Array.isArray(outputSize)) fail(fn, `outputSize ${show(outputSize)} has entry ${String(v)}, which ${problem}; expected non-negative integers or null`);
    fail(fn, `outputSize ${String(v)} ${problem}; expected a non-negative integer or null`);
  });
}

/** A 1-d or 2-d window as the 2-d kernel geometry (1-d pooling runs as 2-d with a height of 1). */
export function toPool2dParams(w: PoolWindow): Pool2dParams {
  const two = w.kernel.length === 2;
  const at = (a: number[], one: number): [number, number] => (two ? [a[0]!, a[1]!] : [one, a[0]!]);
  const [kH, kW] = at(w.kernel, 1), [sH, sW] = at(w.stride, 1), [pH, pW] = at(w.padding, 0);
  const [dH, dW] = at(w.dilation, 1), [outH, outW] = at(w.out, 1);
  return { kH, kW, sH, sW, pH, pW, dH, dW, outH, outW };
}

/** A 3-d window as the 3-d kernel geometry. */
export function toPool3dParams(w: PoolWindow): Pool3dParams {
  const [kD, kH, kW] = w.kernel as [number, number, number], [sD, sH, sW] = w.stride as [number, number, number];
  const [pD, pH, pW] = w.padding as [number, number, number], [dD, dH, dW] = w.dilation as [number, number, number];
  const [outD, outH, outW] = w.out as [number, number, number];
  return { kD, kH, kW, sD, sH, sW, pD, pH, pW, dD, dH, dW, outD, outH, outW };
}
