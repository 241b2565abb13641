// GEMM test cases shared by every backend's GEMM tests: layouts, edges and blocking boundaries.
import { Generator } from '../../src/index.js';
import type { CoreKernels } from '../../src/index.js';
import { referenceGemm } from './gemm.js';

export type GemmFn = CoreKernels['gemm'];

export interface GemmCase {
  name: string;
  M: number; N: number; K: number;
  /** A stored transposed (K, M); B stored transposed (N, K). */
  transA?: boolean; transB?: boolean;
  /** Column stride multiplier (elements between consecutive columns), to test non-unit strides. */
  aColStep?: number; bColStep?: number;
  /** Extra elements at the end of each C row (C is a view into a wider matrix). */
  cPad?: number;
  offset?: number;
  accumulate?: boolean;
}

export const gemmCases: GemmCase[] = [
  { name: '1x1x1', M: 1, N: 1, K: 1 },
  { name: 'odd 5x7x3', M: 5, N: 7, K: 3 },
  { name: 'one row 1x37x19', M: 1, N: 37, K: 19 },
  { name: 'one column 23x1x40', M: 23, N: 1, K: 40 },
  { name: 'tile multiples 8x16x12', M: 8, N: 16, K: 12 },
  { name: 'K past one block 9x13x600', M: 9, N: 13, K: 600 },
  { name: 'M past one block 150x9x20', M: 150, N: 9, K: 20 },
  { name: 'N past one block 3x2100x5', M: 3, N: 2100, K: 5 },
  { name: 'all blocks 70x1030x300', M: 70, N: 1030, K: 300 },
  { name: 'A transposed 33x21x17', M: 33, N: 21, K: 17, transA: true },
  { name: 'B transposed 19x35x300', M: 19, N: 35, K: 300, transB: true },
  { name: 'both transposed 13x14x15', M: 13, N: 14, K: 15, transA: true, transB: true },
  { name: 'column strides 2 and 3', M: 7, N: 11, K: 9, aColStep: 2, bColStep: 3 },
  { name: 'C row padding and offsets', M: 6, N: 10, K: 5, cPad: 3, offset: 4 },
  { name: 'accumulate into C 17x19x23', M: 17, N: 19, K: 23, accumulate: true },
  { name: 'accumulate, K past one block, B transposed', M: 5, N: 9, K: 520, transB: true, accumulate: true, cPad: 2 },
  { name: 'K=0 overwrites C with zeros', M: 3, N: 4, K: 0 },
  { name: 'K=0 accumulate leaves C', M: 3, N: 4, K: 0, accumulate: true },
];

function fill(g: Generator, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = g.random() * 2 - 1;
  return a;
}

/** Runs `gemm` and the reference on the same operands; returns the max abs difference over all of C's storage. */
export function runGemmCase(gemm: GemmFn, cs: GemmCase, seed = 7): { maxDiff: number; scale: number } {
  const g = new Generator(seed);
  const { M, N, K } = cs;
  const off = cs.offset ?? 0;
  const as = cs.aColStep ?? 1, bs = cs.bColStep ?? 1;
  // A[i, k] at off + i * aRs + k * aCs.
  const [aRs, aCs] = cs.transA ? [as, M * as] : [K * as, as];
  const [bRs, bCs] = cs.transB ? [bs, K * bs] : [N * bs, bs];
  const a = fill(g, off + M * K * as + 1), b = fill(g, off + K * N * bs + 1);
  const cRs = N + (cs.cPad ?? 0);
  const c0 = fill(g, off + M * cRs + 2);
  const got = c0.slice(), want = c0.slice();
  const acc = cs.accumulate ?? false;
  gemm(M, N, K, a, off, aRs, aCs, b, off, bRs, bCs, got, off, cRs, acc);
  referenceGemm(M, N, K, a, off, aRs, aCs, b, off, bRs, bCs, want, off, cRs, acc);
  let maxDiff = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    if (!(d <= maxDiff)) maxDiff = Number.isNaN(d) ? Infinity : d;
  }
  return { maxDiff, scale: Math.sqrt(K + 1) };
}
