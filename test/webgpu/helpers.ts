// Shared by the webgpu tests: one device per test file (acquired in beforeAll, so a missing
// adapter fails every test with the one-line reason), seeded inputs with special values, and
// comparisons with the CPU backend's results.
import { afterAll, beforeAll, expect } from 'vitest';
import { Generator, rand, tensor } from '@tapegrad/tensor';
import { Variable } from '@tapegrad/autograd';
import { F } from '@tapegrad/nn';
import { SGD, createModel, type ModelName } from '@tapegrad/train';
import { adapterInfo, createWebGpuKernels, type WebGpuKernels } from '@tapegrad/backend-webgpu';

/**
 * The kernels on this file's device; call at the top of a test file. Without an adapter every
 * test of the file fails with acquireDevice's one-line reason (none is skipped).
 */
export function useGpu(): () => WebGpuKernels {
  let kernels: WebGpuKernels | null = null;
  let failure: string | null = null;
  beforeAll(async () => {
    try {
      kernels = await createWebGpuKernels();
      console.log(`webgpu adapter: ${adapterInfo(kernels.runner.gpu)}`);
    } catch (e) {
      failure = e instanceof Error ? e.message : String(e);
    }
  });
  afterAll(() => { kernels?.destroy(); kernels = null; });
  return () => {
    if (kernels === null) throw new Error(failure ?? 'no WebGPU device');
    return kernels;
  };
}

export const SPECIAL = [NaN, -0, 0, Infinity, -Infinity, 0.5, -0.5, 1.5, 2.5, -2.5, 1, -1, 100, -100, 1e-3, -1e-3, 88, -88, 3e-20];

/** n values: every fifth a special value, the rest uniform in [lo, hi). */
export function values(g: Generator, n: number, lo = -3, hi = 3, specials: readonly number[] = SPECIAL): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = specials.length > 0 && i % 5 === 0 ? specials[(i / 5) % specials.length]! : lo + g.random() * (hi - lo);
  return a;
}

/** n uniform values in [lo, hi) without special values. */
export function uniform(g: Generator, n: number, lo = -1, hi = 1): Float32Array {
  return values(g, n, lo, hi, []);
}

export function contiguous(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) { s[d] = acc; acc *= shape[d]!; }
  return s;
}

export interface Tolerance {
  /** Relative tolerance. */
  readonly rtol?: number;
  /** Absolute tolerance (at least float32's smallest normal, for denormals flushed to zero). */
  readonly atol?: number;
  /** Per-element scale for the relative part (e.g. sum of |terms|); default |want|. */
  readonly scale?: Float32Array | Float64Array;
}

/**
 * Throws on the first element where got and want differ beyond the tolerance: NaN must meet NaN,
 * an infinity the same infinity, finite values |got - want| <= atol + rtol * scale.
 */
export function expectClose(got: Float32Array, want: Float32Array, tol: Tolerance = {}, what = ''): void {
  if (got.length !== want.length) throw new Error(`${what}: length ${got.length}, expected ${want.length}`);
  const rtol = tol.rtol ?? 0, atol = Math.max(tol.atol ?? 0, 1.1754944e-38);
  let bad = 0, first = -1;
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!, w = want[i]!;
    let ok: boolean;
    if (Number.isNaN(w) || Number.isNaN(g)) ok = Number.isNaN(w) && Number.isNaN(g);
    else if (!Number.isFinite(w) || !Number.isFinite(g)) ok = g === w;
    else ok = Math.abs(g - w) <= atol + rtol * (tol.scale ? tol.scale[i]! : Math.abs(w));
    if (!ok) { bad++; if (first < 0) first = i; }
  }
  if (bad > 0) {
    const lines = [`${what}: ${bad} of ${got.length} elements differ (rtol ${rtol}, atol ${atol}); first at [${first}]: got ${got[first]}, expected ${want[first]}`];
    throw new Error(lines.join('\n'));
  }
}

/** Bit-for-bit equality (NaN payloads aside). */
export function expectSame(got: Float32Array, want: Float32Array, what = ''): void {
  expectClose(got, want, { rtol: 0, atol: 0 }, what);
}

/**
 * pow's tolerance: exp2(y · log2 x) in float32 carries the rounding of y · log2 x into the result,
 * so the relative error grows with |log2 result| (1e-6 of |want| per binade away from 1, at least 4e-6).
 */
export function powTolerance(want: Float32Array): Tolerance {
  const scale = new Float64Array(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = Math.abs(want[i]!);
    scale[i] = w === 0 ? 0 : w * Math.max(4, Math.abs(Math.log2(w)));
  }
  return { rtol: 1e-6, atol: 1e-7, scale };
}

/** A few SGD steps of a canonical model from a seeded init on fixed data: the losses and the parameters after. */
export interface TrainRun { losses: number[]; params: Float32Array[] }

export function trainSteps(name: ModelName, steps: number, batch: number): TrainRun {
  const g = new Generator(7);
  const model = createModel(name, { generator: g, dropoutGenerator: new Generator(8) });
  model.train();
  const x = rand([batch, 1, 28, 28], { generator: g });
  const y = tensor(Float32Array.from({ length: batch }, (_, i) => (3 * i + 1) % 10), [batch]);
  const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad();
    const loss = F.crossEntropy(model.forward(new Variable(x)), y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return { losses, params: model.parameters().map((p) => p.data.toArray()) };
}

/**
 * Checks a run against the CPU one: losses within 1e-4 (relative above 1), every parameter within
 * 1e-4 of its tensor's largest magnitude (at least 1e-2: nin-bn's conv biases, zero at init and
 * followed by batch norm, have a true gradient of 0, so their values after a step are rounding
 * noise of either backend); float32 accumulation on the GPU against the CPU reference's float64 sums.
 */
export function expectCloseRuns(got: TrainRun, cpu: TrainRun): void {
  cpu.losses.forEach((l, s) => expect(Math.abs(got.losses[s]! - l)).toBeLessThan(1e-4 * Math.max(1, Math.abs(l))));
  expect(got.params.length).toBe(cpu.params.length);
  let worst = 0;
  cpu.params.forEach((want, i) => {
    const have = got.params[i]!;
    let scale = 0;
    for (let k = 0; k < want.length; k++) scale = Math.max(scale, Math.abs(want[k]!));
    for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(have[k]! - want[k]!) / Math.max(scale, 1e-2));
  });
  expect(worst).toBeLessThan(1e-4);
}
