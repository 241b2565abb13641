import { afterAll, describe, expect, it } from 'vitest';
import { Generator } from '@tapegrad/tensor';
import { createWasmBackend, type WasmBackend } from '../src/index.js';
import { relaxedSimdAvailable } from '../src/memory.js';

// The two builds of the kernels: plain SIMD (a multiply and an add, each rounded) and relaxed SIMD
// (one f32x4.relaxed_madd in the GEMM micro-kernel: fused, rounded once, where the CPU has FMA).
// With K <= KC (128) each C element is one sum over k in order, starting from 0, so both are
// emulated exactly here: the plain build must match the unfused sum bit for bit, the relaxed build
// one of the two sums for every element.

const M = 37, N = 45, K = 100;

function randomArray(g: Generator, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = g.random() * 2 - 1;
  return a;
}

const gen = new Generator(5);
const a = randomArray(gen, M * K), b = randomArray(gen, K * N);

/** C = A · B summed over k in order from 0, each step rounded to float32 once (fused) or twice. */
function emulate(fused: boolean): Float32Array {
  const c = new Float32Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0; k < K; k++) {
        // A float32 product is exact in a double, so `acc + p` rounded once is the fused result.
        const p = a[i * K + k]! * b[k * N + j]!;
        acc = Math.fround(acc + (fused ? p : Math.fround(p)));
      }
      c[i * N + j] = acc;
    }
  }
  return c;
}

function gemm(backend: WasmBackend, x = a): Float32Array {
  const c = new Float32Array(M * N);
  backend.gemm!(M, N, K, x, 0, K, 1, b, 0, N, 1, c, 0, N, false);
  return c;
}

const bits = (x: Float32Array): number[] => Array.from(new Int32Array(x.buffer, x.byteOffset, x.length));

describe('wasm backend builds: plain and relaxed SIMD', () => {
  const unfused = emulate(false), fused = emulate(true);

  it('the emulated fused and unfused sums differ (so the checks below can tell the builds apart)', () => {
    expect(bits(fused)).not.toEqual(bits(unfused));
  });

  it('relaxedSimd false runs the plain build: backend.relaxedSimd false, GEMM equal to the unfused sum bit for bit', () => {
    for (const threads of [1, 2]) {
      const backend = createWasmBackend({ threads, thresholds: 'none', relaxedSimd: false });
      try {
        expect(backend.relaxedSimd).toBe(false);
        expect(bits(gemm(backend))).toEqual(bits(unfused));
      } finally {
        backend.close();
      }
    }
  });

  it('TAPEGRAD_WASM_RELAXED=0 runs the plain build', () => {
    const saved = process.env['TAPEGRAD_WASM_RELAXED'];
    process.env['TAPEGRAD_WASM_RELAXED'] = '0';
    try {
      const backend = createWasmBackend({ threads: 1, thresholds: 'none' });
      expect(backend.relaxedSimd).toBe(false);
      expect(bits(gemm(backend))).toEqual(bits(unfused));
      backend.close();
    } finally {
      if (saved === undefined) delete process.env['TAPEGRAD_WASM_RELAXED'];
      else process.env['TAPEGRAD_WASM_RELAXED'] = saved;
    }
  });

  it('TAPEGRAD_WASM_RELAXED=yes is refused', () => {
    const saved = process.env['TAPEGRAD_WASM_RELAXED'];
    process.env['TAPEGRAD_WASM_RELAXED'] = 'yes';
    try {
      expect(() => createWasmBackend({ threads: 1 })).toThrow(
        'useWasmBackend: TAPEGRAD_WASM_RELAXED "yes" is not a choice; expected 0 (plain SIMD) or 1 (relaxed SIMD)');
    } finally {
      if (saved === undefined) delete process.env['TAPEGRAD_WASM_RELAXED'];
      else process.env['TAPEGRAD_WASM_RELAXED'] = saved;
    }
  });

  it('relaxed SIMD is the default on Node >= 20.16 (on Node 20 through the V8 flag the backend sets)', () => {
    // Node 20.16 and later have process.getBuiltinModule, through which the backend reaches node:v8.
    const hasBuiltins = typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule === 'function';
    if (!hasBuiltins) return;
    const saved = process.env['TAPEGRAD_WASM_RELAXED'];
    delete process.env['TAPEGRAD_WASM_RELAXED'];
    try {
      const backend = createWasmBackend({ threads: 1 });
      expect(backend.relaxedSimd).toBe(true);
      backend.close();
    } finally {
      if (saved !== undefined) process.env['TAPEGRAD_WASM_RELAXED'] = saved;
    }
  });
});

describe.runIf(relaxedSimdAvailable())('wasm backend, relaxed-SIMD build', () => {
  const unfused = emulate(false), fused = emulate(true);
  const one = createWasmBackend({ threads: 1, thresholds: 'none', relaxedSimd: true });
  const two = createWasmBackend({ threads: 2, thresholds: 'none', relaxedSimd: true });
  afterAll(() => { one.close(); two.close(); });

  it('backend.relaxedSimd is true', () => {
    expect(one.relaxedSimd).toBe(true);
    expect(two.relaxedSimd).toBe(true);
  });

  it('GEMM is the fused sum where the CPU has FMA, else the unfused one, bit for bit, on 1 and 2 threads', () => {
    for (const backend of [one, two]) {
      const got = bits(gemm(backend));
      const asFused = got.every((v, i) => v === bits(fused)[i]), asUnfused = got.every((v, i) => v === bits(unfused)[i]);
      expect(asFused || asUnfused).toBe(true);
    }
  });

  it('GEMM is reproducible: the same inputs give the same bits on every call and on 1 and 2 threads', () => {
    const first = bits(gemm(one));
    // Enough calls for V8 to move the kernels from its baseline compiler to the optimising one.
    for (let i = 0; i < 300; i++) gemm(one);
    expect(bits(gemm(one))).toEqual(first);
    for (let i = 0; i < 300; i++) gemm(two);
    expect(bits(gemm(two))).toEqual(first);
  });

  it('the plain and relaxed builds agree within float32 rounding (2 K eps times the sum of |a b| per element)', () => {
    const plain = createWasmBackend({ threads: 2, thresholds: 'none', relaxedSimd: false });
    try {
      const x = gemm(plain), y = gemm(two);
      let worst = 0;
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let sumAbs = 0;
          for (let k = 0; k < K; k++) sumAbs += Math.abs(a[i * K + k]! * b[k * N + j]!);
          worst = Math.max(worst, Math.abs(x[i * N + j]! - y[i * N + j]!) / (2 * K * 2 ** -24 * sumAbs));
        }
      }
      expect(worst).toBeLessThanOrEqual(1);
    } finally {
      plain.close();
    }
  });
});
