import { describe, expect, it } from 'vitest';
import { cpuBackend, Generator } from '@tapegrad/tensor';
import { expectClose, uniform, useGpu } from './helpers.js';

// gemm against the CPU backend: sizes off the 32 x 32 x 16 tile, transposed and offset operands,
// C a region of a wider matrix, accumulate, K = 0, and NaN / Inf operands.
const gpu = useGpu();

interface Case { M: number; N: number; K: number; ta?: boolean; tb?: boolean; accumulate?: boolean; cPad?: number }
const cases: Case[] = [
  { M: 1, N: 1, K: 1 },
  { M: 32, N: 32, K: 16 },
  { M: 33, N: 17, K: 65 },
  { M: 100, N: 37, K: 129 },
  { M: 7, N: 70, K: 3, ta: true },
  { M: 45, N: 31, K: 50, tb: true },
  { M: 64, N: 65, K: 33, ta: true, tb: true },
  { M: 29, N: 41, K: 47, accumulate: true, cPad: 5 },
  { M: 3, N: 200, K: 300, tb: true, accumulate: true },
  { M: 5, N: 3, K: 0 },
  { M: 5, N: 3, K: 0, accumulate: true },
  { M: 0, N: 3, K: 4 },
];

describe('webgpu gemm', () => {
  for (const c of cases) {
    const name = `M=${c.M} N=${c.N} K=${c.K}${c.ta ? ' Aᵀ' : ''}${c.tb ? ' Bᵀ' : ''}${c.accumulate ? ' accumulate' : ''}${c.cPad ? ' C in a wider matrix' : ''}`;
    it(`${name} matches the CPU backend`, async () => {
      const k = gpu();
      const g = new Generator(c.M * 1000 + c.N * 10 + c.K);
      const { M, N, K } = c;
      const aOff = 3, bOff = 5, cOff = 2;
      // A (M, K): row-major, or a transposed view of a (K, M) array
      const [aRs, aCs] = c.ta ? [1, M] : [K, 1];
      const [bRs, bCs] = c.tb ? [1, K] : [N, 1];
      const cRs = N + (c.cPad ?? 0);
      const a = uniform(g, aOff + M * K), b = uniform(g, bOff + K * N), c0 = uniform(g, cOff + M * cRs + 1);
      const want = c0.slice();
      cpuBackend.gemm(M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, want, cOff, cRs, c.accumulate === true);
      const cb = k.upload(c0);
      k.gemm(M, N, K, k.upload(a), aOff, aRs, aCs, k.upload(b), bOff, bRs, bCs, cb, cOff, cRs, c.accumulate === true);
      const got = await k.read(cb);
      // float32 accumulation against the CPU's float64: bounded by K ulps of sum |a||b| (+ |c|)
      const scale = new Float32Array(want.length);
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
        let s = c.accumulate ? Math.abs(c0[cOff + i * cRs + j]!) : 0;
        for (let p = 0; p < K; p++) s += Math.abs(a[aOff + i * aRs + p * aCs]! * b[bOff + p * bRs + j * bCs]!);
        scale[cOff + i * cRs + j] = s;
      }
      expectClose(got, want, { rtol: Math.max(1e-6, K * 1.2e-7), atol: 1e-7, scale }, name);
    });
  }

  it('propagates NaN and Inf like the CPU backend', async () => {
    const k = gpu();
    const M = 9, N = 11, K = 13;
    const g = new Generator(1);
    const a = uniform(g, M * K), b = uniform(g, K * N);
    a[2 * K + 4] = NaN; // row 2 all NaN
    b[3 * N + 5] = Infinity; // column 5 +-Inf (or NaN with row 2)
    const want = new Float32Array(M * N);
    cpuBackend.gemm(M, N, K, a, 0, K, 1, b, 0, N, 1, want, 0, N, false);
    const cb = k.alloc(M * N);
    k.gemm(M, N, K, k.upload(a), 0, K, 1, k.upload(b), 0, N, 1, cb, 0, N, false);
    const got = await k.read(cb);
    expect(want.filter(Number.isNaN).length).toBe(N); // row 2
    expect(want.filter((v) => v === Infinity || v === -Infinity).length).toBe(M - 1); // column 5
    expectClose(got, want, { rtol: 2e-6, atol: 1e-6 }, 'gemm with NaN / Inf');
  });
});
