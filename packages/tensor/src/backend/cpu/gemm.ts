/**
 * C[M, N] (+)= A[M, K] · B[K, N] over Float32Array, operands given by offset and (row, col) strides.
 *
 * The classic three-level blocking: B is packed block by block (KC x NC) into column panels NR wide,
 * A (MC x KC) into row panels MR tall, both zero-padded to whole panels, so the micro-kernel always
 * runs a full MR x NR tile from two contiguous streams whatever the operands' strides (transposed
 * views cost nothing extra). The micro-kernel keeps its MR x NR accumulators in locals; only the
 * valid part of an edge tile is written back. Packing buffers are module-level and grow on demand,
 * so a call allocates nothing once they are big enough.
 */
const MR = 4;
const NR = 4;
const KC = 256;
const MC = 64;
const NC = 2048;

let packA = new Float32Array(MC * KC);
let packB = new Float32Array(KC * NC);
/** One MR x NR tile of results, for edge tiles only. */
const tile = new Float32Array(MR * NR);

/** Packs A[i0 .. i0+mc, k0 .. k0+kc] into row panels: packA[(p * kc + k) * MR + r], rows past mc zero. */
function packPanelsA(a: Float32Array, aOff: number, aRs: number, aCs: number, mc: number, kc: number): void {
  const panels = Math.ceil(mc / MR);
  for (let p = 0; p < panels; p++) {
    const rows = Math.min(MR, mc - p * MR);
    const dst = p * kc * MR;
    for (let r = 0; r < MR; r++) {
      if (r >= rows) {
        for (let k = 0; k < kc; k++) packA[dst + k * MR + r] = 0;
        continue;
      }
      const src = aOff + (p * MR + r) * aRs;
      for (let k = 0; k < kc; k++) packA[dst + k * MR + r] = a[src + k * aCs]!;
    }
  }
}

/** Packs B[k0 .. k0+kc, j0 .. j0+nc] into column panels: packB[(q * kc + k) * NR + s], cols past nc zero. */
function packPanelsB(b: Float32Array, bOff: number, bRs: number, bCs: number, kc: number, nc: number): void {
  const panels = Math.ceil(nc / NR);
  for (let q = 0; q < panels; q++) {
    const cols = Math.min(NR, nc - q * NR);
    const dst = q * kc * NR;
    const col0 = bOff + q * NR * bCs;
    if (cols === NR && bCs === 1) {
      for (let k = 0; k < kc; k++) {
        const s = col0 + k * bRs, d = dst + k * NR;
        packB[d] = b[s]!; packB[d + 1] = b[s + 1]!; packB[d + 2] = b[s + 2]!; packB[d + 3] = b[s + 3]!;
      }
      continue;
    }
    for (let k = 0; k < kc; k++) {
      const s = col0 + k * bRs, d = dst + k * NR;
      for (let j = 0; j < NR; j++) packB[d + j] = j < cols ? b[s + j * bCs]! : 0;
    }
  }
}

/**
 * The MR x NR micro-kernel over packed panels; `store` overwrites C instead of adding. Unrolled by
 * hand: sixteen accumulators in locals are what lets V8 keep them in registers.
 */
function microKernel(kc: number, pa: number, pb: number,
  c: Float32Array, c0: number, cRs: number, rows: number, cols: number, store: boolean): void {
  const A = packA, B = packB;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let k = 0; k < kc; k++) {
    const ia = pa + k * MR, ib = pb + k * NR;
    const a0 = A[ia]!, a1 = A[ia + 1]!, a2 = A[ia + 2]!, a3 = A[ia + 3]!;
    const b0 = B[ib]!, b1 = B[ib + 1]!, b2 = B[ib + 2]!, b3 = B[ib + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  if (rows === MR && cols === NR) {
    const r0 = c0, r1 = r0 + cRs, r2 = r1 + cRs, r3 = r2 + cRs;
    if (store) {
      c[r0] = c00; c[r0 + 1] = c01; c[r0 + 2] = c02; c[r0 + 3] = c03;
      c[r1] = c10; c[r1 + 1] = c11; c[r1 + 2] = c12; c[r1 + 3] = c13;
      c[r2] = c20; c[r2 + 1] = c21; c[r2 + 2] = c22; c[r2 + 3] = c23;
      c[r3] = c30; c[r3 + 1] = c31; c[r3 + 2] = c32; c[r3 + 3] = c33;
    } else {
      c[r0] += c00; c[r0 + 1] += c01; c[r0 + 2] += c02; c[r0 + 3] += c03;
      c[r1] += c10; c[r1 + 1] += c11; c[r1 + 2] += c12; c[r1 + 3] += c13;
      c[r2] += c20; c[r2 + 1] += c21; c[r2 + 2] += c22; c[r2 + 3] += c23;
      c[r3] += c30; c[r3 + 1] += c31; c[r3 + 2] += c32; c[r3 + 3] += c33;
    }
    return;
  }
  const t = tile;
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03; t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23; t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
  for (let r = 0; r < rows; r++) {
    const row = c0 + r * cRs;
    for (let j = 0; j < cols; j++) c[row + j] = store ? t[r * NR + j]! : c[row + j]! + t[r * NR + j]!;
  }
}

export function gemm(M: number, N: number, K: number,
  a: Float32Array, aOff: number, aRs: number, aCs: number,
  b: Float32Array, bOff: number, bRs: number, bCs: number,
  c: Float32Array, cOff: number, cRs: number, accumulate: boolean): void {
  if (M === 0 || N === 0) return;
  if (K === 0) {
    if (!accumulate) for (let i = 0; i < M; i++) c.fill(0, cOff + i * cRs, cOff + i * cRs + N);
    return;
  }
  const kcMax = Math.min(KC, K);
  if (packA.length < MC * kcMax) packA = new Float32Array(MC * kcMax);
  const ncMax = Math.min(NC, Math.ceil(N / NR) * NR);
  if (packB.length < kcMax * ncMax) packB = new Float32Array(kcMax * ncMax);
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = Math.min(NC, N - j0);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = Math.min(KC, K - k0);
      const store = !accumulate && k0 === 0;
      packPanelsB(b, bOff + k0 * bRs + j0 * bCs, bRs, bCs, kc, nc);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = Math.min(MC, M - i0);
        packPanelsA(a, aOff + i0 * aRs + k0 * aCs, aRs, aCs, mc, kc);
        for (let q = 0; q * NR < nc; q++) {
          const cols = Math.min(NR, nc - q * NR);
          for (let p = 0; p * MR < mc; p++) {
            const rows = Math.min(MR, mc - p * MR);
            microKernel(kc, p * kc * MR, q * kc * NR,
              c, cOff + (i0 + p * MR) * cRs + j0 + q * NR, cRs, rows, cols, store);
          }
        }
      }
    }
  }
}
