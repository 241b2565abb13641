/**
 * The obviously correct GEMM: C[M, N] (+)= A[M, K] · B[K, N] by the definition, one dot product
 * per output element accumulated in float64. Fast kernels are checked against it.
 */
export function referenceGemm(M: number, N: number, K: number,
  a: Float32Array, aOff: number, aRs: number, aCs: number,
  b: Float32Array, bOff: number, bRs: number, bCs: number,
  c: Float32Array, cOff: number, cRs: number, accumulate: boolean): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[aOff + i * aRs + k * aCs]! * b[bOff + k * bRs + j * bCs]!;
      const o = cOff + i * cRs + j;
      c[o] = accumulate ? c[o]! + s : s;
    }
  }
}
