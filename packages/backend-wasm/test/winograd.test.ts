import { afterAll, describe, expect, it } from 'vitest';
import { cpuBackend, Generator, type Conv2dGeometry, type Epilogue } from '@tapegrad/tensor';
import { WasmContext } from '../src/context.js';
import { makeConvKernels } from '../src/conv.js';
import { relaxedSimdAvailable } from '../src/memory.js';
import type { SplitKernel } from '../src/exports.js';
import { makeWinogradKernels, winogradApplies, winogradPlan, type WinogradVariant } from '../src/winograd.js';

// Winograd convolution (assembly/winograd.ts) against the CPU reference kernels, all three passes.
// fp32 Winograd rounds more than a direct sum (its transforms add and scale the inputs before the
// products), so each element's error is bounded relative to the sum of the absolute values of its
// terms (the same convolution of |x| and |w|), not to the element itself; and since a tile mixes its
// whole patch, an element with few terms (a weight-gradient corner next to the padding) gets the
// rounding of its tile's larger ones: the bound's scale is at least 1/16 of the tensor's largest.
// Largest errors measured on these shapes and nin's and squeezenet's (both builds): F(2,3) 3e-7,
// F(2,5) 3e-6, F(4,3) 1e-5 (forward; 2e-6 on the models' shapes), F(4,5) 5e-5 (the weight gradient
// of one 3x3 output, 1.3e-6 on nin's 14x14 layer, where many tiles' sums average the rounding out).
const TOLERANCE: Record<WinogradVariant, number> = { 'F(2,3)': 2e-6, 'F(2,5)': 2e-5, 'F(4,3)': 4e-5, 'F(4,5)': 2e-4 };
/** For the routing tests, whose shapes take the default variants. */
const RELATIVE_TOLERANCE = 4e-5;

function geometry(N: number, C: number, H: number, W: number, O: number, k: number, padH: number, padW = padH,
  extraH = 0): Conv2dGeometry {
  const Ho = H + 2 * padH - k + 1 + extraH, Wo = W + 2 * padW - k + 1;
  return {
    N, C, H, W, O, kH: k, kW: k, strideH: 1, strideW: 1, padH, padW, dilationH: 1, dilationW: 1, groups: 1,
    Ho, Wo, outSampleStride: O * Ho * Wo,
  };
}

const shapes: { name: string; g: Conv2dGeometry }[] = [
  { name: '1x1 input, 3x3 pad 1', g: geometry(1, 1, 1, 1, 1, 3, 1) },
  { name: '3x3 pad 0, odd sizes', g: geometry(2, 3, 5, 7, 5, 3, 0) },
  { name: '3x3 pad 1, 9x11', g: geometry(3, 5, 9, 11, 7, 3, 1) },
  { name: '3x3 pad 2, 13x6, N=5', g: geometry(5, 9, 13, 6, 10, 3, 2) },
  { name: '3x3 pad 1, O=17', g: geometry(4, 12, 8, 8, 17, 3, 1) },
  { name: '3x3 pad (0, 2)', g: geometry(2, 3, 6, 8, 4, 3, 0, 2) },
  { name: '3x3 pad 1, bottom padding 2', g: geometry(2, 4, 6, 7, 3, 3, 1, 1, 1) },
  { name: '3x3 pad 1, 15x15, blocks across images', g: geometry(5, 16, 15, 15, 12, 3, 1) },
  { name: '5x5 pad 2, 7x7', g: geometry(2, 6, 7, 7, 9, 5, 2) },
  { name: '5x5 pad 0, 11x10', g: geometry(3, 4, 11, 10, 6, 5, 0) },
  { name: '5x5 pad 1, 5x5, N=1', g: geometry(1, 3, 5, 5, 2, 5, 1) },
  { name: '5x5 pad 2, 9x12, C=13 O=11', g: geometry(4, 13, 9, 12, 11, 5, 2) },
  { name: '5x5 pad 2, 20x19, several blocks per image', g: geometry(2, 40, 20, 19, 48, 5, 2) },
  // transformed weights of 512 KB and more (F(4,5) here; F(4,3) below): a backward with both
  // gradients makes them in two passes
  { name: '5x5 pad 2, C=32 O=64', g: geometry(2, 32, 6, 6, 64, 5, 2) },
  { name: '3x3 pad 1, C=32 O=128', g: geometry(2, 32, 5, 5, 128, 3, 1) },
];

const variantsFor = (g: Conv2dGeometry): WinogradVariant[] => (g.kH === 3 ? ['F(2,3)', 'F(4,3)'] : ['F(2,5)', 'F(4,5)']);

function randomArray(gen: Generator, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = gen.random() * 2 - 1;
  return a;
}

const abs = (a: Float32Array): Float32Array => a.map(Math.abs);
const nanMask = (a: Float32Array): boolean[] => Array.from(a, (v) => Number.isNaN(v));

/**
 * max over i of |got[i] - want[i]| / max(scale[i], max(scale) / 16) (every element must be written:
 * NaN gives NaN, which fails).
 */
function relativeError(got: Float32Array, want: Float32Array, scale: Float32Array): number {
  expect(got.length).toBe(want.length);
  const floor = scale.reduce((a, b) => Math.max(a, b), 0) / 16;
  let m = 0;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i]! - want[i]!) / Math.max(scale[i]!, floor, 1e-30);
    if (!(d <= m)) m = Number.isNaN(d) ? NaN : d;
    if (Number.isNaN(m)) return m;
  }
  return m;
}

interface Inputs {
  x: Float32Array;
  w: Float32Array;
  b: Float32Array;
  gy: Float32Array;
}

function inputs(g: Conv2dGeometry, seed: number): Inputs {
  const gen = new Generator(seed);
  return {
    x: randomArray(gen, g.N * g.C * g.H * g.W), w: randomArray(gen, g.O * g.C * g.kH * g.kW),
    b: randomArray(gen, g.O), gy: randomArray(gen, g.N * g.O * g.Ho * g.Wo),
  };
}

const builds = relaxedSimdAvailable() ? [false, true] : [false];
const buildName = (relaxedSimd: boolean): string => (relaxedSimd ? 'relaxed SIMD' : 'plain SIMD');

for (const relaxedSimd of builds) for (const threads of [1, 2]) {
  describe(`Winograd convolution (${buildName(relaxedSimd)}), ${threads} thread${threads > 1 ? 's' : ''}, against the CPU kernels`, () => {
    const ctx = new WasmContext({ threads, thresholds: 'none', relaxedSimd });
    const wk = makeWinogradKernels(ctx);
    afterAll(() => ctx.close());
    for (const { name, g } of shapes) for (const variant of variantsFor(g)) {
      const { x, w, b, gy } = inputs(g, 7 + g.N * g.C);
      for (const [bias, epilogue] of [[false, 'none'], [true, 'none'], [true, 'relu']] as const) {
        it(`${variant} ${name}: forward${bias ? ' with bias' : ''}${epilogue === 'relu' ? ' and ReLU' : ''}`, () => {
          const ny = g.N * g.O * g.Ho * g.Wo;
          const want = new Float32Array(ny), got = new Float32Array(ny).fill(NaN), scale = new Float32Array(ny);
          cpuBackend.conv2d(x, w, bias ? b : null, g, want, epilogue as Epilogue);
          cpuBackend.conv2d(abs(x), abs(w), bias ? abs(b) : null, g, scale);
          expect(wk.conv2d(x, w, bias ? b : null, g, got, epilogue as Epilogue, variant)).toBe(true);
          expect(relativeError(got, want, scale)).toBeLessThanOrEqual(TOLERANCE[variant]);
        });
      }
      for (const relu of [false, true]) {
        for (const needs of [[true, true, true], [true, false, false], [false, true, false], [false, true, true]] as const) {
          it(`${variant} ${name}: backward${relu ? ' through ReLU' : ''}, gradients ${needs.map((n) => (n ? 1 : 0)).join('')}`, () => {
            const out = new Float32Array(g.N * g.O * g.Ho * g.Wo);
            cpuBackend.conv2d(x, w, b, g, out, 'relu');
            const ep = relu ? { kind: 'relu' as const, out } : null;
            const want = [new Float32Array(x.length), new Float32Array(w.length), new Float32Array(g.O)];
            const scale = [new Float32Array(x.length), new Float32Array(w.length)];
            cpuBackend.conv2dBackward(gy, x, w, g, want[0]!, want[1]!, want[2]!, ep);
            cpuBackend.conv2dBackward(abs(gy), abs(x), abs(w), g, scale[0]!, scale[1]!, null);
            const got = want.map((a) => new Float32Array(a.length).fill(NaN));
            expect(wk.conv2dBackward(gy, needs[1] ? x : null, needs[0] ? w : null, g,
              needs[0] ? got[0]! : null, needs[1] ? got[1]! : null, needs[2] ? got[2]! : null, ep, variant)).toBe(true);
            for (let i = 0; i < 2; i++) {
              if (needs[i]) expect(relativeError(got[i]!, want[i]!, scale[i]!)).toBeLessThanOrEqual(TOLERANCE[variant]);
              else expect(got[i]!.every((v) => Number.isNaN(v))).toBe(true);
            }
            if (needs[2]) {
              for (let o = 0; o < g.O; o++) expect(Math.abs(got[2]![o]! - want[2]![o]!)).toBeLessThanOrEqual(1e-5 * Math.sqrt(g.N * g.Ho * g.Wo));
            } else {
              expect(got[2]!.every((v) => Number.isNaN(v))).toBe(true);
            }
          });
        }
      }
    }

    it('gives the same bits on every call (the weight gradient too: its split over threads is static)', () => {
      const g = geometry(6, 10, 9, 9, 12, 3, 1);
      const { x, w, b, gy } = inputs(g, 3);
      const run = (): Float32Array[] => {
        const y = new Float32Array(g.N * g.O * g.Ho * g.Wo), gx = new Float32Array(x.length), gw = new Float32Array(w.length);
        wk.conv2d(x, w, b, g, y, 'relu');
        wk.conv2dBackward(gy, x, w, g, gx, gw, null, { kind: 'relu', out: y });
        return [y, gx, gw];
      };
      const first = run();
      for (let i = 0; i < 3; i++) expect(run()).toEqual(first);
    });
  });
}

describe('Winograd routing in the wasm convolution kernels', () => {
  /** The conv kernels of a context, and the wasm kernels each call dispatched. */
  function spied(opts: { thresholds: 'auto' | 'none'; threads: number }): { ctx: WasmContext; conv: ReturnType<typeof makeConvKernels>; seen: SplitKernel[] } {
    const ctx = new WasmContext({ ...opts, relaxedSimd: false });
    const seen: SplitKernel[] = [];
    const run = ctx.run.bind(ctx);
    ctx.run = (kernel, args, parts, meanwhile) => {
      seen.push(kernel);
      run(kernel, args, parts, meanwhile);
    };
    return { ctx, conv: makeConvKernels(ctx), seen };
  }

  it('applies to stride 1, dilation 1, groups 1 and a 3x3 or 5x5 kernel only', () => {
    const g = geometry(2, 8, 9, 9, 8, 3, 1);
    expect(winogradApplies(g)).toBe(true);
    expect(winogradApplies(geometry(2, 8, 9, 9, 8, 5, 2))).toBe(true);
    expect(winogradApplies({ ...g, strideH: 2, Ho: 5 })).toBe(false);
    expect(winogradApplies({ ...g, dilationW: 2, Wo: 7 })).toBe(false);
    expect(winogradApplies({ ...g, groups: 2 })).toBe(false);
    expect(winogradApplies(geometry(2, 8, 9, 9, 8, 1, 0))).toBe(false);
    expect(winogradApplies(geometry(2, 8, 9, 9, 8, 7, 3))).toBe(false);
    expect(winogradApplies({ ...g, kW: 5, Wo: 7 })).toBe(false);
  });

  it('without thresholds every applicable shape goes through Winograd, others through im2col', () => {
    const { ctx, conv, seen } = spied({ thresholds: 'none', threads: 2 });
    try {
      for (const [g, want] of [[geometry(2, 3, 6, 5, 2, 3, 1), 'winogradForward'], [geometry(2, 3, 6, 5, 2, 5, 2), 'winogradForward'],
        [{ ...geometry(2, 3, 6, 5, 2, 3, 1), strideH: 2, Ho: 3, outSampleStride: 2 * 3 * 5 }, 'conv2d']] as const) {
        const { x, w, b, gy } = inputs(g, 1);
        seen.length = 0;
        conv.conv2d(x, w, b, g, new Float32Array(g.N * g.O * g.Ho * g.Wo));
        expect(seen).toContain(want);
        seen.length = 0;
        conv.conv2dBackward(gy, x, w, g, new Float32Array(x.length), new Float32Array(w.length), new Float32Array(g.O));
        expect(seen).toContain(want === 'conv2d' ? 'conv2dBackward' : 'winogradBackward');
      }
    } finally {
      ctx.close();
    }
  });

  it('with thresholds, a layer of few channels stays on im2col and a wide one takes Winograd', () => {
    const { ctx, conv, seen } = spied({ thresholds: 'auto', threads: 1 });
    try {
      for (const [g, want] of [[geometry(8, 1, 28, 28, 32, 5, 2), 'conv2d'], [geometry(8, 32, 14, 14, 64, 5, 2), 'winogradForward'],
        [geometry(8, 64, 7, 7, 128, 3, 1), 'winogradForward']] as const) {
        const { x, w, b } = inputs(g, 2);
        seen.length = 0;
        const got = new Float32Array(g.N * g.O * g.Ho * g.Wo), ref = got.slice(), scale = got.slice();
        conv.conv2d(x, w, b, g, got);
        expect(seen).toContain(want);
        cpuBackend.conv2d(x, w, b, g, ref);
        cpuBackend.conv2d(abs(x), abs(w), abs(b), g, scale);
        expect(relativeError(got, ref, scale)).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
      }
    } finally {
      ctx.close();
    }
  });

  it('an infinite or NaN value makes the call fall back to im2col, whose results match the CPU kernels where they are NaN', () => {
    const { ctx, conv, seen } = spied({ thresholds: 'none', threads: 2 });
    try {
      const g = geometry(2, 5, 9, 9, 6, 3, 1);
      const { x, w, b, gy } = inputs(g, 4);
      const cases: [string, Inputs][] = [
        ['NaN in x', { x: x.map((v, i) => (i === 40 ? NaN : v)), w, b, gy }],
        ['Infinity in w', { x, w: w.map((v, i) => (i === 3 ? Infinity : v)), b, gy }],
        ['NaN in gradOut', { x, w, b, gy: gy.map((v, i) => (i === 100 ? NaN : v)) }],
      ];
      for (const [, c] of cases) {
        const y = new Float32Array(g.N * g.O * g.Ho * g.Wo), yRef = y.slice();
        seen.length = 0;
        conv.conv2d(c.x, c.w, c.b, g, y, 'relu');
        cpuBackend.conv2d(c.x, c.w, c.b, g, yRef, 'relu');
        const finiteInputs = c.x.every(Number.isFinite) && c.w.every(Number.isFinite);
        if (!finiteInputs) expect(seen).toEqual(['winogradWeights', 'winogradForward', 'conv2d']);
        expect(nanMask(y)).toEqual(nanMask(yRef));
        const gx = new Float32Array(x.length), gw = new Float32Array(w.length), gxRef = gx.slice(), gwRef = gw.slice();
        conv.conv2dBackward(c.gy, c.x, c.w, g, gx, gw, null);
        cpuBackend.conv2dBackward(c.gy, c.x, c.w, g, gxRef, gwRef, null);
        expect(nanMask(gx)).toEqual(nanMask(gxRef));
        expect(nanMask(gw)).toEqual(nanMask(gwRef));
        expect(seen).toContain('conv2dBackward');
      }
    } finally {
      ctx.close();
    }
  });

  it('the arena does not grow past the first of repeated calls', () => {
    const ctx = new WasmContext({ threads: 2, thresholds: 'none', relaxedSimd: false });
    try {
      const conv = makeConvKernels(ctx);
      const sizes: number[] = [];
      for (let round = 0; round < 4; round++) {
        for (const g of [geometry(4, 16, 14, 14, 32, 5, 2), geometry(4, 32, 7, 7, 64, 3, 1)]) {
          const { x, w, b, gy } = inputs(g, round);
          const y = new Float32Array(g.N * g.O * g.Ho * g.Wo);
          conv.conv2d(x, w, b, g, y, 'relu');
          conv.conv2dBackward(gy, x, w, g, new Float32Array(x.length), new Float32Array(w.length), new Float32Array(g.O), { kind: 'relu', out: y });
        }
        sizes.push(ctx.mem.memory.buffer.byteLength);
      }
      expect(sizes).toEqual(new Array<number>(4).fill(sizes[0]!));
    } finally {
      ctx.close();
    }
  });

  it('plans blocks of whole micro-kernel rows that fit the cache budget', () => {
    for (const { g } of shapes) {
      for (const v of variantsFor(g)) {
        const p = winogradPlan(g, v);
        expect(p.block % 4).toBe(0);
        expect(p.block).toBeGreaterThanOrEqual(4);
        expect(p.Cp % 8).toBe(0);
        expect(p.th * p.m).toBeGreaterThanOrEqual(g.Ho);
        expect(p.Hp).toBeGreaterThanOrEqual(g.H + g.padH);
      }
    }
  });
});
