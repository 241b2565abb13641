import { afterAll, describe, expect, it } from 'vitest';
import { cpuBackend, Generator, hostArray, type Conv2dGeometry } from '@tapegrad/tensor';
import { createWasmBackend } from '../src/index.js';
import { relaxedSimdAvailable } from '../src/memory.js';
import { convCases } from '../../tensor/test/reference/convCases.js';
import { placedConvDiffs } from '../../tensor/test/reference/convPlaced.js';
import type { GemmCase } from '../../tensor/test/reference/gemmCases.js';
import { gemmCases, runGemmCase } from '../../tensor/test/reference/gemmCases.js';

// The shared cases scaled past the size under which the wasm gemm hands over to the CPU kernel,
// plus shapes that cross the wasm kernel's blocks (MC = KC = 128, NC = 1024) and its thread split.
const wasmCases: GemmCase[] = [
  ...gemmCases.filter((c) => c.K > 0).map((c) => (c.M * c.N * c.K >= 32 ** 3 ? c
    : { ...c, name: `${c.name} scaled`, M: c.M * 4 + 1, N: c.N * 9 + 2, K: c.K * 3 })),
  { name: 'rows split over threads 300x40x100', M: 300, N: 40, K: 100 },
  { name: 'columns split over threads 33x2049x129', M: 33, N: 2049, K: 129 },
  { name: 'columns split, B transposed, accumulate 64x800x513', M: 64, N: 800, K: 513, transB: true, accumulate: true },
  { name: 'rows split, A transposed, C padding 257x130x64', M: 257, N: 130, K: 64, transA: true, cPad: 5, offset: 3 },
];

// Both builds of the kernels: plain SIMD, and relaxed SIMD (fused multiply-add in the GEMM
// micro-kernel, so the last bits differ; the tolerances are float32's either way).
const builds = relaxedSimdAvailable() ? [false, true] : [false];
const buildName = (relaxedSimd: boolean): string => (relaxedSimd ? 'relaxed SIMD' : 'plain SIMD');

for (const relaxedSimd of builds) for (const threads of [1, 2]) {
  describe(`wasm gemm (${buildName(relaxedSimd)}), ${threads} thread${threads > 1 ? 's' : ''}, against the reference`, () => {
    const backend = createWasmBackend({ threads, relaxedSimd });
    afterAll(() => backend.close());
    for (const cs of wasmCases) {
      it(`gemm ${cs.name}`, () => {
        const { maxDiff, scale } = runGemmCase(backend.gemm!, cs, 11);
        expect(maxDiff).toBeLessThanOrEqual(8e-6 * scale);
      });
    }
  });
}

for (const relaxedSimd of builds) describe(`wasm gemm (${buildName(relaxedSimd)}) without size thresholds (every call through wasm, split over 2 threads)`, () => {
  const backend = createWasmBackend({ threads: 2, thresholds: 'none', relaxedSimd });
  afterAll(() => backend.close());
  for (const cs of gemmCases) {
    it(`gemm ${cs.name} unthresholded`, () => {
      const { maxDiff, scale } = runGemmCase(backend.gemm!, cs, 13);
      expect(maxDiff).toBeLessThanOrEqual(8e-6 * scale);
    });
  }
});

for (const relaxedSimd of builds) describe(`wasm gemm (${buildName(relaxedSimd)}) edge values`, () => {
  it('gemm propagates NaN and Infinity through the SIMD kernel', () => {
    const backend = createWasmBackend({ threads: 1, relaxedSimd });
    const M = 40, N = 40, K = 40;
    const a = new Float32Array(M * K).fill(0.5), b = new Float32Array(K * N).fill(2);
    a[0] = NaN;
    a[K * 5] = Infinity;
    const c = new Float32Array(M * N);
    backend.gemm!(M, N, K, a, 0, K, 1, b, 0, N, 1, c, 0, N, false);
    backend.close();
    expect(Number.isNaN(c[0])).toBe(true);
    expect(c[5 * N + 7]).toBe(Infinity);
    expect(c[N]).toBe(40);
  });
});

describe('createWasmBackend options', () => {
  it('createWasmBackend refuses threads 0', () => {
    expect(() => createWasmBackend({ threads: 0 })).toThrow('useWasmBackend: threads 0 is not a positive integer; expected e.g. 1 or 2');
  });
  it('createWasmBackend refuses threads 1.5', () => {
    expect(() => createWasmBackend({ threads: 1.5 })).toThrow('useWasmBackend: threads 1.5 is not a positive integer; expected e.g. 1 or 2');
  });
  it('TAPEGRAD_WASM_THRESHOLDS=some is refused', () => {
    const saved = process.env['TAPEGRAD_WASM_THRESHOLDS'];
    process.env['TAPEGRAD_WASM_THRESHOLDS'] = 'some';
    try {
      expect(() => createWasmBackend({ threads: 1 })).toThrow('useWasmBackend: TAPEGRAD_WASM_THRESHOLDS "some" is not a mode; expected auto or none');
    } finally {
      if (saved === undefined) delete process.env['TAPEGRAD_WASM_THRESHOLDS'];
      else process.env['TAPEGRAD_WASM_THRESHOLDS'] = saved;
    }
  });
  it('createWasmBackend reports its thread count and name', () => {
    const backend = createWasmBackend({ threads: 2 });
    expect(backend.name).toBe('wasm');
    expect(backend.threads).toBe(2);
    backend.close();
  });
});

function randomArray(g: Generator, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = g.random() * 2 - 1;
  return a;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

// The CPU convolution kernels are the reference (they are checked against PyTorch fixtures).
for (const relaxedSimd of builds) for (const threads of [1, 2]) {
  describe(`wasm conv2d kernels (${buildName(relaxedSimd)}), ${threads} thread${threads > 1 ? 's' : ''}, every call through wasm, against the CPU kernels`, () => {
    const backend = createWasmBackend({ threads, thresholds: 'none', relaxedSimd });
    afterAll(() => backend.close());
    for (const { name, g, bias } of convCases) {
      const gen = new Generator(21);
      const Cg = g.C / g.groups, L = g.Ho * g.Wo;
      const x = randomArray(gen, g.N * g.C * g.H * g.W), w = randomArray(gen, g.O * Cg * g.kH * g.kW);
      const b = bias ? randomArray(gen, g.O) : null, gy = randomArray(gen, g.N * g.O * L);
      const tol = 1e-5 * Math.sqrt(Cg * g.kH * g.kW * Math.max(1, g.N * L / 16));
      it(`conv2d ${name}`, () => {
        const want = new Float32Array(g.N * g.O * L).fill(NaN), got = want.slice();
        cpuBackend.conv2d(x, w, b, g, want);
        backend.conv2d!(x, w, b, g, got);
        expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(tol);
      });
      it(`conv2d ${name} with a ReLU epilogue`, () => {
        const want = new Float32Array(g.N * g.O * L).fill(NaN), got = want.slice();
        cpuBackend.conv2d(x, w, b, g, want, 'relu');
        backend.conv2d!(x, w, b, g, got, 'relu');
        expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(tol);
        expect(got.some((v) => v === 0) && got.some((v) => v > 0)).toBe(true);
      });
      for (const needs of [[true, true, true], [true, false, false], [false, true, false], [false, true, true], [false, false, true]] as const) {
        it(`conv2dBackward ${name}, gradients ${needs.map((n) => (n ? 1 : 0)).join('')}`, () => {
          const want = [new Float32Array(x.length), new Float32Array(w.length), new Float32Array(g.O)].map((a) => a.fill(NaN));
          const got = want.map((a) => a.slice());
          cpuBackend.conv2dBackward(gy, x, w, g, want[0]!, want[1]!, want[2]!);
          backend.conv2dBackward!(gy, needs[1] ? x : null, needs[0] ? w : null, g,
            needs[0] ? got[0]! : null, needs[1] ? got[1]! : null, needs[2] ? got[2]! : null);
          needs.forEach((n, i) => {
            if (n) expect(maxAbsDiff(got[i]!, want[i]!)).toBeLessThanOrEqual(i === 2 ? 1e-5 * Math.sqrt(g.N * L) : tol);
            else expect(got[i]!.every((v) => Number.isNaN(v))).toBe(true);
          });
        });
      }
    }
  });
}

// Outputs written into channel ranges of a larger tensor (outSampleStride: a concatenation's parts),
// through im2col and Winograd, into host arrays (copied back sample by sample) and into arrays the
// backend keeps in its memory (written in place).
describe('wasm conv2d kernels writing into channel ranges of a larger tensor, against the CPU kernels', () => {
  const conv = (N: number, C: number, H: number, O: number, k: number, stride: number, pad: number): Conv2dGeometry => {
    const Ho = Math.floor((H + 2 * pad - k) / stride) + 1;
    return { N, C, H, W: H, O, kH: k, kW: k, strideH: stride, strideW: stride, padH: pad, padW: pad, dilationH: 1, dilationW: 1,
      groups: 1, Ho, Wo: Ho, outSampleStride: O * Ho * Ho };
  };
  const cases: [string, Conv2dGeometry[]][] = [
    // 1x1 through im2col's direct GEMM, 3x3 pad 1 through Winograd (every applicable shape, without thresholds)
    ['a Fire module\'s 1x1 and 3x3 expand layers', [conv(5, 8, 9, 12, 1, 1, 0), conv(5, 8, 9, 12, 3, 1, 1)]],
    ['two stride-2 layers (im2col)', [conv(3, 4, 11, 5, 3, 2, 1), conv(3, 4, 11, 6, 1, 2, 0)]],
  ];
  for (const threads of [1, 2]) {
    const backend = createWasmBackend({ threads, thresholds: 'none' });
    afterAll(() => backend.close());
    for (const [name, parts] of cases) for (const epilogue of ['none', 'relu'] as const) {
      const tol = 2e-5 * Math.sqrt(Math.max(...parts.map((g) => g.C * g.kH * g.kW * Math.max(1, g.N * g.Ho * g.Wo / 16))));
      it(`${name}, epilogue ${epilogue}, ${threads} thread${threads > 1 ? 's' : ''}, into a host array`, () => {
        const gen = new Generator(31);
        const d = placedConvDiffs(backend as Required<typeof backend>, cpuBackend, parts, epilogue, (n) => randomArray(gen, n), { spare: 3 });
        for (const v of [...d.forward, ...d.backward]) expect(v).toBeLessThanOrEqual(tol);
        expect(d.untouched).toBe(true);
      });
      it(`${name}, epilogue ${epilogue}, ${threads} thread${threads > 1 ? 's' : ''}, into an array kept in wasm memory`, () => {
        const gen = new Generator(32);
        const d = placedConvDiffs(backend as Required<typeof backend>, cpuBackend, parts, epilogue, (n) => randomArray(gen, n),
          { alloc: (n) => backend.empty!(n), read: hostArray, afterForward: () => expect(backend.residentStats().arrays).toBe(1) });
        for (const v of [...d.forward, ...d.backward]) expect(v).toBeLessThanOrEqual(tol);
        expect(backend.residentStats().arrays).toBe(0);
      });
    }
  }
});
