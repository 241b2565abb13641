import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../src/index.js';
import { gemmCases, runGemmCase } from './reference/gemmCases.js';
import { referenceGemm } from './reference/gemm.js';

describe('cpu gemm against the reference', () => {
  for (const cs of gemmCases) {
    it(`gemm ${cs.name}`, () => {
      const { maxDiff, scale } = runGemmCase(cpuBackend.gemm, cs);
      // float32 rounding of a K-term dot product of values in [-1, 1]; untouched storage must stay equal.
      expect(maxDiff).toBeLessThanOrEqual(2e-6 * scale * 4);
    });
  }

  it('gemm leaves C outside the M x N view untouched', () => {
    const M = 5, N = 6, K = 4, cRs = 9;
    const a = new Float32Array(M * K).fill(1), b = new Float32Array(K * N).fill(1);
    const c = new Float32Array(1 + M * cRs + 3).fill(-7);
    cpuBackend.gemm(M, N, K, a, 0, K, 1, b, 0, N, 1, c, 1, cRs, false);
    for (let i = 0; i < c.length; i++) {
      const inside = i >= 1 && (i - 1) % cRs < N && Math.floor((i - 1) / cRs) < M;
      expect(c[i], `c[${i}]`).toBe(inside ? K : -7);
    }
  });

  it('gemm propagates NaN and Infinity from A', () => {
    const a = Float32Array.from([NaN, 1, Infinity, 1]), b = Float32Array.from([1, 2, 3, 4]);
    const got = new Float32Array(4), want = new Float32Array(4);
    cpuBackend.gemm(2, 2, 2, a, 0, 2, 1, b, 0, 2, 1, got, 0, 2, false);
    referenceGemm(2, 2, 2, a, 0, 2, 1, b, 0, 2, 1, want, 0, 2, false);
    expect(Array.from(got)).toEqual(Array.from(want));
    expect(Number.isNaN(got[0])).toBe(true);
  });
});
