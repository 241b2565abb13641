// SIMD GEMM: C[M, N] (+)= A[M, K] · B[K, N] with f32x4 lanes.
//
// Blocking as in the CPU kernel (B packed per KC x NC block into NR-wide column panels, A per
// MC x KC block into MR-tall row panels, both zero-padded to whole panels), with a 4x8 micro-kernel:
// eight v128 accumulators (4 rows x 2 vectors of 4 columns), one splat of A and two loads of B per
// row and k. Twelve or more accumulators spill on V8 (16 SIMD registers) and halve the speed.
// Pointers are byte addresses in the shared memory; strides are in elements.
//
// Compiled twice (asconfig.json's targets): `release` with plain SIMD, where each step is a mul and
// an add rounded separately, and `relaxed` with relaxed SIMD, where it is one f32x4.relaxed_madd
// (fused on hardware with FMA: one rounding instead of two, so results differ in the last bits).

export const MR: i32 = 4;
export const NR: i32 = 8;
export const KC: i32 = 128;
export const MC: i32 = 128;
export const NC: i32 = 1024;

/** Bytes of scratch one thread needs: a packed A block, a packed B block and one edge tile. */
export function gemmScratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) << 2;
}

/**
 * Stores the 4x4 block whose rows are x0..x3 transposed: column j of the block (x0[j], x1[j],
 * x2[j], x3[j]) goes to d + j * step bytes.
 */
// @ts-ignore: decorator
@inline function storeTransposed(d: usize, step: usize, x0: v128, x1: v128, x2: v128, x3: v128): void {
  const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5), t1 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(x0, x1, 2, 6, 3, 7), t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
  v128.store(d, i64x2.shuffle(t0, t1, 0, 2));
  v128.store(d + step, i64x2.shuffle(t0, t1, 1, 3));
  v128.store(d + 2 * step, i64x2.shuffle(t2, t3, 0, 2));
  v128.store(d + 3 * step, i64x2.shuffle(t2, t3, 1, 3));
}

/** Packs A[0 .. mc, 0 .. kc] (at `a`) into row panels: dst[(p * kc + k) * MR + r], rows past mc zero. */
function packA(dst: usize, a: usize, aRs: i32, aCs: i32, mc: i32, kc: i32): void {
  for (let p = 0; p * MR < mc; p++) {
    const rows = min(MR, mc - p * MR);
    const panel = dst + (<usize>(p * kc * MR) << 2);
    if (rows == MR && aCs == 1) {
      // Row-major A: four rows, four depths at a time, transposed in registers.
      const rs = <usize>aRs << 2;
      const r0 = a + <usize>(p * MR) * rs;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const o = <usize>k << 2;
        storeTransposed(panel + (<usize>(k * MR) << 2), MR << 2,
          v128.load(r0 + o), v128.load(r0 + rs + o), v128.load(r0 + 2 * rs + o), v128.load(r0 + 3 * rs + o));
      }
      for (; k < kc; k++) {
        const d = panel + (<usize>(k * MR) << 2), o = <usize>k << 2;
        store<f32>(d, load<f32>(r0 + o));
        store<f32>(d, load<f32>(r0 + rs + o), 4);
        store<f32>(d, load<f32>(r0 + 2 * rs + o), 8);
        store<f32>(d, load<f32>(r0 + 3 * rs + o), 12);
      }
      continue;
    }
    for (let r = 0; r < MR; r++) {
      let d = panel + (<usize>r << 2);
      if (r >= rows) {
        for (let k = 0; k < kc; k++) { store<f32>(d, 0); d += MR << 2; }
        continue;
      }
      let s = a + (<usize>((p * MR + r) * aRs) << 2);
      const step = <usize>aCs << 2;
      for (let k = 0; k < kc; k++) {
        store<f32>(d, load<f32>(s));
        d += MR << 2;
        s += step;
      }
    }
  }
}

/** Packs B[0 .. kc, 0 .. nc] (at `b`) into column panels: dst[(q * kc + k) * NR + j], columns past nc zero. */
function packB(dst: usize, b: usize, bRs: i32, bCs: i32, kc: i32, nc: i32): void {
  const rowStep = <usize>bRs << 2;
  for (let q = 0; q * NR < nc; q++) {
    const cols = min(NR, nc - q * NR);
    let d = dst + (<usize>(q * kc * NR) << 2);
    let s = b + (<usize>(q * NR * bCs) << 2);
    if (cols == NR && bCs == 1) {
      for (let k = 0; k < kc; k++) {
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
        d += NR << 2;
        s += rowStep;
      }
    } else if (bRs == 1 && cols == NR) {
      // B stored transposed (column j contiguous in k): four columns, four depths at a time,
      // transposed in registers.
      const cs = <usize>bCs << 2;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const o = <usize>k << 2, dk = d + (<usize>(k * NR) << 2);
        storeTransposed(dk, NR << 2, v128.load(s + o), v128.load(s + cs + o), v128.load(s + 2 * cs + o), v128.load(s + 3 * cs + o));
        const s4 = s + 4 * cs;
        storeTransposed(dk + 16, NR << 2, v128.load(s4 + o), v128.load(s4 + cs + o), v128.load(s4 + 2 * cs + o), v128.load(s4 + 3 * cs + o));
      }
      for (; k < kc; k++) {
        const o = <usize>k << 2, dk = d + (<usize>(k * NR) << 2);
        for (let j = 0; j < NR; j++) store<f32>(dk + (<usize>j << 2), load<f32>(s + <usize>j * cs + o));
      }
    } else if (bRs == 1) {
      // B stored transposed: walk each column contiguously.
      for (let j = 0; j < NR; j++) {
        let dj = d + (<usize>j << 2);
        if (j >= cols) {
          for (let k = 0; k < kc; k++) { store<f32>(dj, 0); dj += NR << 2; }
          continue;
        }
        let sj = s + (<usize>(j * bCs) << 2);
        for (let k = 0; k < kc; k++) { store<f32>(dj, load<f32>(sj)); dj += NR << 2; sj += 4; }
      }
    } else {
      const colStep = <usize>bCs << 2;
      for (let k = 0; k < kc; k++) {
        let sk = s;
        for (let j = 0; j < NR; j++) {
          store<f32>(d + (<usize>j << 2), j < cols ? load<f32>(sk) : 0);
          sk += colStep;
        }
        d += NR << 2;
        s += rowStep;
      }
    }
  }
}

/** acc + a * b on f32x4 lanes: fused in the relaxed-SIMD build (ASC_FEATURE_RELAXED_SIMD is a compile-time constant). */
// @ts-ignore: decorator
@inline function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** max(v, 0) per lane with NaN kept: v's bits where v > 0 or v is NaN, else +0. */
// @ts-ignore: decorator
@inline export function reluLanes(v: v128): v128 {
  return v128.and(v, v128.or(f32x4.gt(v, f32x4.splat(0)), f32x4.ne(v, v)));
}

/**
 * The 4x8 micro-kernel: c[i][0 .. 8) = (or +=, without `overwrite`) sum over k < kc of a[k][i] *
 * b[k][0 .. 8) for i < 4, with a's four values of one k contiguous and aRs bytes from the next k's,
 * b's rows bRs bytes apart (packed panels: 16 and 32), c's rows cRsBytes. Unrolled by hand so the
 * eight accumulators stay in registers; inlined, so `overwrite` is a constant at each call. Also
 * the micro-kernel of the Winograd GEMMs (winograd.ts). The epilogue, for the last depths of a
 * product: plus bias[i] (the floats at `bias`, unless 0) on row i, then `relu` (reluLanes), on the
 * sum as it is stored (the same float operations as a pass over c afterwards).
 */
// @ts-ignore: decorator
@inline
export function kernel4x8(kc: i32, pa: usize, aRs: usize, pb: usize, bRs: usize, c: usize, cRsBytes: usize, overwrite: bool,
  bias: usize = 0, relu: bool = false): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(c00, a, b0); c01 = madd(c01, a, b1);
    a = v128.load32_splat(pa, 4);
    c10 = madd(c10, a, b0); c11 = madd(c11, a, b1);
    a = v128.load32_splat(pa, 8);
    c20 = madd(c20, a, b0); c21 = madd(c21, a, b1);
    a = v128.load32_splat(pa, 12);
    c30 = madd(c30, a, b0); c31 = madd(c31, a, b1);
    pa += aRs;
    pb += bRs;
  }
  if (!overwrite) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + cRsBytes)); c11 = f32x4.add(c11, v128.load(c + cRsBytes, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * cRsBytes)); c21 = f32x4.add(c21, v128.load(c + 2 * cRsBytes, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * cRsBytes)); c31 = f32x4.add(c31, v128.load(c + 3 * cRsBytes, 16));
  }
  if (bias != 0) {
    let b = v128.load32_splat(bias);
    c00 = f32x4.add(c00, b); c01 = f32x4.add(c01, b);
    b = v128.load32_splat(bias, 4);
    c10 = f32x4.add(c10, b); c11 = f32x4.add(c11, b);
    b = v128.load32_splat(bias, 8);
    c20 = f32x4.add(c20, b); c21 = f32x4.add(c21, b);
    b = v128.load32_splat(bias, 12);
    c30 = f32x4.add(c30, b); c31 = f32x4.add(c31, b);
  }
  if (relu) {
    c00 = reluLanes(c00); c01 = reluLanes(c01); c10 = reluLanes(c10); c11 = reluLanes(c11);
    c20 = reluLanes(c20); c21 = reluLanes(c21); c30 = reluLanes(c30); c31 = reluLanes(c31);
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + cRsBytes, c10); v128.store(c + cRsBytes, c11, 16);
  v128.store(c + 2 * cRsBytes, c20); v128.store(c + 2 * cRsBytes, c21, 16);
  v128.store(c + 3 * cRsBytes, c30); v128.store(c + 3 * cRsBytes, c31, 16);
}

/**
 * C[0 .. M, 0 .. N] (+)= A · B for one thread's share: with `parts` > 1, part `part` takes a slice
 * of the columns (or of the rows when M > N), in whole micro-tiles. `scratch` holds `parts` blocks
 * of gemmScratchBytes(), one per thread.
 */
export function gemm(M: i32, N: i32, K: i32,
  a: usize, aRs: i32, aCs: i32, b: usize, bRs: i32, bCs: i32,
  c: usize, cRs: i32, accumulate: bool, scratch: usize, part: i32, parts: i32): void {
  scratch += <usize>part * <usize>gemmScratchBytes();
  if (parts > 1) {
    if (M > N) {
      const tiles = (M + MR - 1) / MR;
      const t0 = tiles * part / parts, t1 = tiles * (part + 1) / parts;
      const i0 = t0 * MR, i1 = min(M, t1 * MR);
      if (i1 <= i0) return;
      gemmBlock(i1 - i0, N, K, a + (<usize>(i0 * aRs) << 2), aRs, aCs, b, bRs, bCs,
        c + (<usize>(i0 * cRs) << 2), cRs, accumulate, scratch);
    } else {
      const tiles = (N + NR - 1) / NR;
      const t0 = tiles * part / parts, t1 = tiles * (part + 1) / parts;
      const j0 = t0 * NR, j1 = min(N, t1 * NR);
      if (j1 <= j0) return;
      gemmBlock(M, j1 - j0, K, a, aRs, aCs, b + (<usize>(j0 * bCs) << 2), bRs, bCs,
        c + (<usize>j0 << 2), cRs, accumulate, scratch);
    }
    return;
  }
  gemmBlock(M, N, K, a, aRs, aCs, b, bRs, bCs, c, cRs, accumulate, scratch);
}

/**
 * Packs all of A (M x K) once, for gemmBlock's `prepacked`: per block of KC depths, row panels of MR
 * over the whole of M (padded to whole panels), so block (i0, k0) starts at
 * dst + (k0 * Mpad + i0 * kc) floats with Mpad = M rounded up to MR. Needs Mpad * K floats.
 */
export function packAll(dst: usize, a: usize, aRs: i32, aCs: i32, M: i32, K: i32): void {
  const Mpad = (M + MR - 1) / MR * MR;
  for (let k0 = 0; k0 < K; k0 += KC) {
    packA(dst + (<usize>(k0 * Mpad) << 2), a + (<usize>(k0 * aCs) << 2), aRs, aCs, M, min(KC, K - k0));
  }
}

/**
 * One thread's C (+)= A · B (no split); `scratch` is one block of gemmScratchBytes(). With
 * `prepacked` != 0, A was packed by packAll there and is not packed again (a convolution's weight,
 * shared by every sample). With `bias` != 0 (M floats) and/or `relu`, each result is then
 * relu(C[i][j] + bias[i]), applied as the last depths' products are stored (kernel4x8's epilogue).
 */
export function gemmBlock(M: i32, N: i32, K: i32,
  a: usize, aRs: i32, aCs: i32, b: usize, bRs: i32, bCs: i32,
  c: usize, cRs: i32, accumulate: bool, scratch: usize, prepacked: usize = 0, bias: usize = 0, relu: bool = false): void {
  if (M <= 0 || N <= 0) return;
  const cRsBytes = <usize>cRs << 2;
  if (K <= 0) {
    if (!accumulate) for (let i = 0; i < M; i++) memory.fill(c + <usize>i * cRsBytes, 0, <usize>N << 2);
    if (bias != 0 || relu) epilogueRows(M, N, c, cRsBytes, bias, relu);
    return;
  }
  const pA = scratch;
  const pB = pA + (<usize>(MC * KC) << 2);
  const tile = pB + (<usize>(KC * NC) << 2);
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = min(NC, N - j0);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = min(KC, K - k0);
      const overwrite = !accumulate && k0 == 0;
      // the epilogue goes with the last depths' products
      const last = k0 + kc >= K, pBias = last ? bias : 0, pRelu = last && relu;
      packB(pB, b + (<usize>(k0 * bRs + j0 * bCs) << 2), bRs, bCs, kc, nc);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = min(MC, M - i0);
        let panels = pA;
        if (prepacked != 0) panels = prepacked + (<usize>(k0 * ((M + MR - 1) / MR * MR) + i0 * kc) << 2);
        else packA(pA, a + (<usize>(i0 * aRs + k0 * aCs) << 2), aRs, aCs, mc, kc);
        for (let q = 0; q * NR < nc; q++) {
          const cols = min(NR, nc - q * NR);
          const pb = pB + (<usize>(q * kc * NR) << 2);
          for (let p = 0; p * MR < mc; p++) {
            const rows = min(MR, mc - p * MR);
            const pa = panels + (<usize>(p * kc * MR) << 2);
            const ct = c + <usize>(i0 + p * MR) * cRsBytes + (<usize>(j0 + q * NR) << 2);
            const tb = pBias != 0 ? pBias + (<usize>(i0 + p * MR) << 2) : 0;
            if (rows == MR && cols == NR) {
              kernel4x8(kc, pa, 16, pb, 32, ct, cRsBytes, overwrite, tb, pRelu);
            } else {
              kernel4x8(kc, pa, 16, pb, 32, tile, NR << 2, true);
              for (let r = 0; r < rows; r++) {
                const row = ct + <usize>r * cRsBytes, tr = tile + (<usize>(r * NR) << 2);
                for (let j = 0; j < cols; j++) {
                  const v = load<f32>(tr + (<usize>j << 2));
                  const o = row + (<usize>j << 2);
                  store<f32>(o, epilogue1(overwrite ? v : load<f32>(o) + v, tb, r, pRelu));
                }
              }
            }
          }
        }
      }
    }
  }
}

/** kernel4x8's epilogue for one value `y` of row i: plus bias[i] (unless `bias` is 0), then ReLU (NaN kept). */
// @ts-ignore: decorator
@inline function epilogue1(y: f32, bias: usize, i: i32, relu: bool): f32 {
  if (bias != 0) y += load<f32>(bias + (<usize>i << 2));
  return relu && !(y > 0) && y == y ? 0 : y;
}

/** relu(c[i][j] + bias[i]) over M rows of N floats in place (bias 0: none): the epilogue of an empty product. */
function epilogueRows(M: i32, N: i32, c: usize, cRsBytes: usize, bias: usize, relu: bool): void {
  for (let i = 0; i < M; i++) {
    const row = c + <usize>i * cRsBytes;
    for (let j = 0; j < N; j++) {
      const o = row + (<usize>j << 2);
      store<f32>(o, epilogue1(load<f32>(o), bias, i, relu));
    }
  }
}
