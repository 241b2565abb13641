/**
 * C[M, N] (+)= A[M, K] · B[K, N] over Float32Array, operands given by offset and (row, col) strides.
 * Operands whose columns are not unit-stride are packed once; the loop then runs four rows of C
 * against one row of B at a time (i-k-j order, blocked on K and N to stay in cache).
 */
const KC = 256;
const NC = 1024;

function pack(src: Float32Array, off: number, rs: number, cs: number, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = off + r * rs;
    for (let c = 0; c < cols; c++) out[r * cols + c] = src[base + c * cs]!;
  }
  return out;
}

export function gemm(M: number, N: number, K: number,
  a: Float32Array, aOff: number, aRs: number, aCs: number,
  b: Float32Array, bOff: number, bRs: number, bCs: number,
  c: Float32Array, cOff: number, cRs: number, accumulate: boolean): void {
  if (!accumulate) for (let i = 0; i < M; i++) c.fill(0, cOff + i * cRs, cOff + i * cRs + N);
  if (M === 0 || N === 0 || K === 0) return;
  if (aCs !== 1) { a = pack(a, aOff, aRs, aCs, M, K); aOff = 0; aRs = K; }
  if (bCs !== 1) { b = pack(b, bOff, bRs, bCs, K, N); bOff = 0; bRs = N; }
  for (let j0 = 0; j0 < N; j0 += NC) {
    const j1 = Math.min(N, j0 + NC);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const k1 = Math.min(K, k0 + KC);
      let i = 0;
      for (; i + 4 <= M; i += 4) {
        const c0 = cOff + i * cRs, c1 = c0 + cRs, c2 = c1 + cRs, c3 = c2 + cRs;
        const a0 = aOff + i * aRs, a1 = a0 + aRs, a2 = a1 + aRs, a3 = a2 + aRs;
        for (let k = k0; k < k1; k++) {
          const v0 = a[a0 + k]!, v1 = a[a1 + k]!, v2 = a[a2 + k]!, v3 = a[a3 + k]!;
          const bk = bOff + k * bRs;
          for (let j = j0; j < j1; j++) {
            const bv = b[bk + j]!;
            c[c0 + j] += v0 * bv;
            c[c1 + j] += v1 * bv;
            c[c2 + j] += v2 * bv;
            c[c3 + j] += v3 * bv;
          }
        }
      }
      for (; i < M; i++) {
        const c0 = cOff + i * cRs, a0 = aOff + i * aRs;
        for (let k = k0; k < k1; k++) {
          const v0 = a[a0 + k]!;
          const bk = bOff + k * bRs;
          for (let j = j0; j < j1; j++) c[c0 + j] += v0 * b[bk + j]!;
        }
      }
    }
  }
}
