import { describe, expect, it } from 'vitest';
import { Generator, cpuBackend, setBackend, resetBackend, kernels, tensor, type Conv2dGeometry } from '../src/index.js';
import { referenceConv2d, referenceConv2dBackward } from './reference/conv.js';

type Spec = Partial<Conv2dGeometry> & { N: number; C: number; H: number; W: number; O: number; kH: number; kW: number; padBottom?: number; padRight?: number };

/** Completes a geometry: defaults, and Ho/Wo from the padding (bottom/right may exceed top/left, as 'same' does). */
function geometry(s: Spec): Conv2dGeometry {
  const strideH = s.strideH ?? 1, strideW = s.strideW ?? 1, padH = s.padH ?? 0, padW = s.padW ?? 0;
  const dilationH = s.dilationH ?? 1, dilationW = s.dilationW ?? 1;
  const Ho = Math.floor((s.H + padH + (s.padBottom ?? padH) - dilationH * (s.kH - 1) - 1) / strideH) + 1;
  const Wo = Math.floor((s.W + padW + (s.padRight ?? padW) - dilationW * (s.kW - 1) - 1) / strideW) + 1;
  return { N: s.N, C: s.C, H: s.H, W: s.W, O: s.O, kH: s.kH, kW: s.kW, strideH, strideW, padH, padW, dilationH, dilationW, groups: s.groups ?? 1, Ho, Wo };
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
