import { describe, expect, it } from 'vitest';
import { Generator, cpuBackend, getBackend, setBackend, resetBackend, kernels, tensor, type Conv2dGeometry } from '../src/index.js';
import { referenceConv2d, referenceConv2dBackward } from './reference/conv.js';
import { placedConvDiffs } from './reference/convPlaced.js';

type Spec = Partial<Conv2dGeometry> & { N: number; C: number; H: number; W: number; O: number; kH: number; kW: number; padBottom?: number; padRight?: number };

/** Completes a geometry: defaults, and Ho/Wo from the padding (bottom/right may exceed top/left, as 'same' does). */
function geometry(s: Spec): Conv2dGeometry {
  const strideH = s.strideH ?? 1, strideW = s.strideW ?? 1, padH = s.padH ?? 0, padW = s.padW ?? 0;
  const dilationH = s.dilationH ?? 1, dilationW = s.dilationW ?? 1;
  const Ho = Math.floor((s.H + padH + (s.padBottom ?? padH) - dilationH * (s.kH - 1) - 1) / strideH) + 1;
  const Wo = Math.floor((s.W + padW + (s.padRight ?? padW) - dilationW * (s.kW - 1) - 1) / strideW) + 1;
  return { N: s.N, C: s.C, H: s.H, W: s.W, O: s.O, kH: s.kH, kW: s.kW, strideH, strideW, padH, padW, dilationH, dilationW, groups: s.groups ?? 1, Ho, Wo, outSampleStride: s.O * Ho * Wo };
}

const specs: [string, Spec][] = [
  ['3x3 pad 1', { N: 2, C: 3, H: 6, W: 5, O: 4, kH: 3, kW: 3, padH: 1, padW: 1 }],
  ['1x1 stride 1 (straight to GEMM)', { N: 3, C: 5, H: 4, W: 3, O: 2, kH: 1, kW: 1 }],
  ['1x1 groups 2 (straight to GEMM)', { N: 2, C: 4, H: 3, W: 3, O: 6, kH: 1, kW: 1, groups: 2 }],
  ['1x1 with padding (unfolded)', { N: 1, C: 2, H: 3, W: 3, O: 2, kH: 1, kW: 1, padH: 1, padW: 2 }],
  ['stride 3 pad 2 kernel 4x2', { N: 2, C: 2, H: 9, W: 8, O: 3, kH: 4, kW: 2, strideH: 3, strideW: 3, padH: 2, padW: 1 }],
  ['dilation 3 x 2, stride 2 x 1', { N: 1, C: 3, H: 11, W: 9, O: 2, kH: 3, kW: 3, dilationH: 3, dilationW: 2, strideH: 2 }],
  ['groups 4 depthwise multiplier 2', { N: 2, C: 4, H: 5, W: 6, O: 8, kH: 3, kW: 2, groups: 4, padH: 1 }],
  ['asymmetric padding (extra bottom/right)', { N: 2, C: 2, H: 5, W: 4, O: 3, kH: 4, kW: 2, padH: 1, padBottom: 2, padW: 0, padRight: 1 }],
  ['padding larger than the kernel', { N: 1, C: 1, H: 3, W: 3, O: 2, kH: 2, kW: 2, padH: 3, padW: 3, strideH: 2, strideW: 2 }],
  ['kernel = input', { N: 2, C: 3, H: 4, W: 5, O: 2, kH: 4, kW: 5 }],
  ['1-row input (conv1d layout)', { N: 2, C: 3, H: 1, W: 9, O: 4, kH: 1, kW: 3, strideW: 2, padW: 1 }],
];

function random(n: number, g: Generator): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = g.random() * 2 - 1;
  return a;
}

function maxDiff(a: Float32Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return a.length === b.length ? m : Infinity;
}

describe('cpu conv kernels against the direct reference', () => {
  for (const [name, spec] of specs) {
    it(`conv2d ${name}`, () => {
      const g = geometry(spec), gen = new Generator(name.length);
      const Cg = g.C / g.groups;
      const x = random(g.N * g.C * g.H * g.W, gen), w = random(g.O * Cg * g.kH * g.kW, gen), b = random(g.O, gen);
      const gradOut = random(g.N * g.O * g.Ho * g.Wo, gen);
      const out = new Float32Array(g.N * g.O * g.Ho * g.Wo);
      cpuBackend.conv2d(x, w, b, g, out);
      expect(maxDiff(out, referenceConv2d(x, w, b, g))).toBeLessThan(1e-5);
      const [rx, rw, rb] = referenceConv2dBackward(gradOut, x, w, g);
      const gx = new Float32Array(x.length).fill(NaN), gw = new Float32Array(w.length).fill(NaN), gb = new Float32Array(g.O).fill(NaN);
      cpuBackend.conv2dBackward(gradOut, x, w, g, gx, gw, gb);
      expect(maxDiff(gx, rx)).toBeLessThan(1e-5);
      expect(maxDiff(gw, rw)).toBeLessThan(1e-5);
      expect(maxDiff(gb, rb)).toBeLessThan(1e-5);
    });
  }

  it('the CPU conv kernels use the CPU gemm, not the active backend', () => {
    let calls = 0;
    setBackend({ name: 'counting', gemm: (...args: Parameters<typeof cpuBackend.gemm>) => { calls++; cpuBackend.gemm(...args); } });
    try {
      const g = geometry({ N: 2, C: 1, H: 3, W: 3, O: 1, kH: 2, kW: 2 });
      const y = kernels.conv2d(tensor(new Float32Array(18).fill(1), [2, 1, 3, 3]), tensor([1, 1, 1, 1], [1, 1, 2, 2]), null, g);
      expect(Array.from(y.toArray())).toEqual(new Array<number>(8).fill(4));
      // The reference backend depends on nothing else: a backend that brings only a gemm leaves
      // convolution to the CPU kernels, which multiply with the CPU gemm.
      expect(calls).toBe(0);
      kernels.matmul(tensor([1, 2], [1, 2]), tensor([3, 4], [2, 1]));
      expect(calls).toBe(1);
    } finally {
      resetBackend();
    }
  });

  it('kernel entry refuses a tensor that does not match the geometry', () => {
    const g = geometry({ N: 1, C: 2, H: 3, W: 3, O: 1, kH: 1, kW: 1 });
    expect(() => kernels.conv2d(tensor(new Float32Array(9), [1, 1, 3, 3]), tensor([1, 1], [1, 2, 1, 1]), null, g))
      .toThrow('conv2d: input shape [1, 1, 3, 3] does not match the geometry; expected [1, 2, 3, 3]');
  });
});

describe('cpu conv kernels writing into channel ranges of a larger tensor (outSampleStride)', () => {
  // the parts of one concatenation: equal N, Ho, Wo
  const cases: [string, Spec[]][] = [
    ['1x1 and 3x3 pad 1 (a Fire module\'s expand layers)', [
      { N: 3, C: 4, H: 5, W: 4, O: 2, kH: 1, kW: 1 }, { N: 3, C: 4, H: 5, W: 4, O: 3, kH: 3, kW: 3, padH: 1, padW: 1 }]],
    ['stride 2 and groups 2', [
      { N: 2, C: 4, H: 7, W: 6, O: 3, kH: 3, kW: 2, strideH: 2, strideW: 2, padH: 1 }, { N: 2, C: 4, H: 7, W: 6, O: 4, kH: 1, kW: 2, strideH: 2, strideW: 2, groups: 2 }]],
  ];
  for (const [name, specs] of cases) for (const epilogue of ['none', 'relu'] as const) {
    it(`${name}, epilogue ${epilogue}: the same values as contiguous outputs, nothing outside the parts written`, () => {
      const gen = new Generator(5);
      const d = placedConvDiffs(cpuBackend, cpuBackend, specs.map(geometry), epilogue, (n) => random(n, gen), { spare: 2 });
      // the same operations in the same order: bit for bit
      expect(d.forward).toEqual(specs.map(() => 0));
      expect(d.backward).toEqual(specs.map(() => 0));
      expect(d.untouched).toBe(true);
    });
  }

  it('catTarget: convolutions write their parts in place and cat of exactly those parts is the whole tensor', () => {
    const gen = new Generator(8);
    const g1 = geometry({ N: 2, C: 3, H: 4, W: 4, O: 2, kH: 1, kW: 1 }), g3 = geometry({ N: 2, C: 3, H: 4, W: 4, O: 3, kH: 3, kW: 3, padH: 1, padW: 1 });
    const x = tensor(random(2 * 3 * 16, gen), [2, 3, 4, 4]);
    const w1 = tensor(random(2 * 3, gen), [2, 3, 1, 1]), w3 = tensor(random(3 * 3 * 9, gen), [3, 3, 3, 3]);
    const parts = kernels.catTarget([2, 5, 4, 4], 1, [2, 3]);
    expect(kernels.conv2d(x, w1, null, g1, 'relu', parts[0]!)).toBe(parts[0]);
    expect(kernels.conv2d(x, w3, null, g3, 'relu', parts[1]!)).toBe(parts[1]);
    const whole = kernels.cat(parts, 1);
    expect(whole.storage).toBe(parts[0]!.storage);
    const want = kernels.cat([kernels.conv2d(x, w1, null, g1, 'relu'), kernels.conv2d(x, w3, null, g3, 'relu')], 1);
    expect(Array.from(whole.toArray())).toEqual(Array.from(want.toArray()));
    // any other tensors over the same elements are concatenated by copying, as PyTorch does
    const copied = kernels.cat([whole.narrow(1, 0, 2), whole.narrow(1, 2, 3)], 1);
    expect(copied.storage).not.toBe(whole.storage);
    expect(kernels.cat([parts[1]!, parts[0]!], 1).storage).not.toBe(whole.storage);
    expect(kernels.cat([parts[0]!], 1).storage).not.toBe(whole.storage);
  });

  it('a backend with convolutions of its own that does not say placesConvOutput gets contiguous outputs, copied into place', () => {
    const gen = new Generator(10);
    const g = geometry({ N: 2, C: 3, H: 4, W: 4, O: 2, kH: 3, kW: 3, padH: 1, padW: 1 });
    const x = tensor(random(2 * 3 * 16, gen), [2, 3, 4, 4]), w = tensor(random(2 * 3 * 9, gen), [2, 3, 3, 3]);
    const strides: number[] = [];
    setBackend({ name: 'own conv', conv2d: (...args: Parameters<typeof cpuBackend.conv2d>) => { strides.push(args[3].outSampleStride); cpuBackend.conv2d(...args); } });
    try {
      expect(getBackend().placesConvOutput).toBe(false);
      const parts = kernels.catTarget([2, 5, 4, 4], 1, [3, 2]);
      expect(kernels.conv2d(x, w, null, g, 'relu', parts[1]!)).toBe(parts[1]);
      expect(strides).toEqual([2 * 16]);
      expect(Array.from(parts[1]!.toArray())).toEqual(Array.from(kernels.conv2d(x, w, null, g, 'relu').toArray()));
    } finally {
      resetBackend();
    }
    // a backend that brings no convolution keeps the CPU kernels' placing
    setBackend({ name: 'gemm only', gemm: cpuBackend.gemm });
    try {
      expect(getBackend().placesConvOutput).toBe(true);
    } finally {
      resetBackend();
    }
  });

  it('catTarget refuses sizes that do not add up to the dim', () => {
    expect(() => kernels.catTarget([2, 5, 4, 4], 1, [2, 2])).toThrow('catTarget: sizes [2, 2] add up to 4; expected 5, the size of dim 1 of [2, 5, 4, 4]');
  });

  it('conv2dBackward reads a channel range of a gradient in place, or copies where the layouts differ', () => {
    const gen = new Generator(9);
    const g = geometry({ N: 2, C: 3, H: 4, W: 4, O: 2, kH: 3, kW: 3, padH: 1, padW: 1 });
    const x = tensor(random(2 * 3 * 16, gen), [2, 3, 4, 4]), w = tensor(random(2 * 3 * 9, gen), [2, 3, 3, 3]);
    const big = tensor(random(2 * 5 * 16, gen), [2, 5, 4, 4]), outBig = kernels.conv2d(x, w, null, g, 'relu', kernels.catTarget([2, 5, 4, 4], 1, [2, 3])[0]!);
    const gradOut = big.narrow(1, 1, 2), out = outBig;
    const want = kernels.conv2dBackward(gradOut.contiguous(), x, w, g, [true, true, false], { kind: 'relu', out: out.contiguous() });
    // gradOut and the ReLU output both channel ranges of 5-channel tensors: read in place
    const inPlace = kernels.conv2dBackward(gradOut, x, w, g, [true, true, false], { kind: 'relu', out });
    // gradOut a range, the ReLU output contiguous: both go contiguous
    const mixed = kernels.conv2dBackward(gradOut, x, w, g, [true, true, false], { kind: 'relu', out: out.contiguous() });
    for (const got of [inPlace, mixed]) for (const i of [0, 1]) expect(Array.from(got[i]!.toArray())).toEqual(Array.from(want[i]!.toArray()));
  });
});
