// GEMM throughput on the shapes of nin's convolutions at batch 64 (im2col lowering: the weight
// (O, C*k*k) times the column matrix (C*k*k, N*Ho*Wo)), forward and both backward products.
import { getBackend } from 'tapegrad';
import { emit, measure, PLANS, round, stats, type BenchRecord } from './measure.js';

interface Shape { readonly name: string; readonly M: number; readonly N: number; readonly K: number; readonly transA: boolean; readonly transB: boolean }

/** nin's conv layers: (inC, outC, k, H) at batch 64. */
const NIN_CONVS: readonly (readonly [number, number, number, number])[] = [
  [1, 32, 5, 28], [32, 32, 1, 28], [32, 32, 1, 28],
  [32, 64, 5, 14], [64, 64, 1, 14], [64, 64, 1, 14],
  [64, 128, 3, 7], [128, 128, 1, 7], [128, 10, 1, 7],
];

export function ninGemmShapes(batch: number, quick: boolean): Shape[] {
  const out: Shape[] = [];
  for (const [c, o, k, h] of NIN_CONVS) {
    const K = c * k * k, N = batch * h * h, tag = `conv ${c}->${o} k${k} ${h}x${h}`;
    out.push({ name: `${tag} forward`, M: o, N, K, transA: false, transB: false });
    if (quick) continue;
    // gradWeight (O, CKK) = gradOut (O, NHW) · cols^T ; gradCols (CKK, NHW) = W^T · gradOut.
    out.push({ name: `${tag} backward weight`, M: o, N: K, K: N, transA: false, transB: true });
    if (c > 1) out.push({ name: `${tag} backward input`, M: K, N, K: o, transA: true, transB: false });
  }
  return out;
}

export function runGemm(common: BenchRecord, budgetS: number, quick: boolean): void {
  const be = getBackend();
  for (const s of ninGemmShapes(64, quick)) {
    const { M, N, K } = s;
    const a = random(M * K), b = random(K * N), c = new Float32Array(M * N);
    // A[i, k] at i*aRs + k*aCs; a transposed operand is stored (K, M) resp. (N, K).
    const [aRs, aCs] = s.transA ? [1, M] : [K, 1];
    const [bRs, bCs] = s.transB ? [1, K] : [N, 1];
    const t = measure(() => be.gemm(M, N, K, a, 0, aRs, aCs, b, 0, bRs, bCs, c, 0, N, false), PLANS.kernel, budgetS);
    const st = stats(t);
    // Which build of the wasm kernels ran (relaxed SIMD: fused multiply-add); absent on the CPU backend.
    const relaxed = (be as { relaxedSimd?: boolean }).relaxedSimd;
    emit({ bench: 'gemm', way: s.name, M, N, K, gflops: round((2 * M * N * K) / ((st['median_ms'] as number) * 1e6), 2), ...st, ...common, ...(relaxed === undefined ? {} : { relaxed_simd: relaxed }) });
  }
}

function random(n: number): Float32Array {
  const a = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}
