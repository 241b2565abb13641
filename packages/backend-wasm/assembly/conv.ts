// Convolution lowered to the SIMD GEMM (im2col), forward and both backward passes, split over
// threads by samples. The geometry is a block of i32 at `geom`, its slots named in src/layout.ts.
// Each thread uses its own cols block (K * Ho * Wo floats) at colsBase + part * colsBytes and its
// own GEMM scratch at scratch + part * gemmScratchBytes().
import { CONV_N, CONV_C, CONV_H, CONV_W, CONV_O, CONV_KH, CONV_KW, CONV_STRIDE_H, CONV_STRIDE_W, CONV_PAD_H, CONV_PAD_W, CONV_DILATION_H, CONV_DILATION_W, CONV_GROUPS, CONV_HO, CONV_WO, CONV_OUT_STRIDE, EPILOGUE_RELU } from '../src/layout';
import { gemmBlock, gemmScratchBytes, packAll, MR } from './gemm';

// @ts-ignore: decorator
@inline function g(geom: usize, i: i32): i32 { return load<i32>(geom + (<usize>i << 2)); }

/** First output index whose input index o*stride + shift is >= 0. */
// @ts-ignore: decorator
@inline function lowOut(shift: i32, stride: i32, outSize: i32): i32 {
  return min(outSize, shift >= 0 ? 0 : (-shift + stride - 1) / stride);
}

/** One past the last output index whose input index o*stride + shift is < size. */
// @ts-ignore: decorator
@inline function highOut(shift: i32, stride: i32, size: i32, outSize: i32): i32 {
  const last = size - 1 - shift;
  return max(0, min(outSize, last < 0 ? 0 : last / stride + 1));
}

/**
 * Copies n floats (rows of a few dozen: memory.copy's call costs more than the copy at that size).
 */
// @ts-ignore: decorator
@inline function copyFloats(d: usize, s: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(d + (<usize>i << 2), v128.load(s + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(d + (<usize>i << 2), load<f32>(s + (<usize>i << 2)));
}

/** Zeroes n floats (short runs, as copyFloats). */
// @ts-ignore: decorator
@inline function zeroFloats(d: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(d + (<usize>i << 2), z);
  for (; i < n; i++) store<f32>(d + (<usize>i << 2), 0);
}

/** cols[(c*kH + kh)*kW + kw, oh*Wo + ow] = x[c, oh*sH - pH + kh*dH, ow*sW - pW + kw*dW], 0 outside. */
function im2col(x: usize, Cg: i32, geom: usize, cols: usize): void {
  const H = g(geom, CONV_H), W = g(geom, CONV_W), kH = g(geom, CONV_KH), kW = g(geom, CONV_KW);
  const sH = g(geom, CONV_STRIDE_H), sW = g(geom, CONV_STRIDE_W), pH = g(geom, CONV_PAD_H), pW = g(geom, CONV_PAD_W), dH = g(geom, CONV_DILATION_H), dW = g(geom, CONV_DILATION_W);
  const Ho = g(geom, CONV_HO), Wo = g(geom, CONV_WO), L = Ho * Wo;
  let row = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = x + (<usize>(c * H * W) << 2);
    for (let kh = 0; kh < kH; kh++) {
      const shH = kh * dH - pH;
      const ohLo = lowOut(shH, sH, Ho), ohHi = max(ohLo, highOut(shH, sH, H, Ho));
      for (let kw = 0; kw < kW; kw++, row++) {
        const shW = kw * dW - pW;
        const owLo = lowOut(shW, sW, Wo), owHi = max(owLo, highOut(shW, sW, W, Wo));
        const base = cols + (<usize>(row * L) << 2);
        zeroFloats(base, ohLo * Wo);
        for (let oh = ohLo; oh < ohHi; oh++) {
          const dst = base + (<usize>(oh * Wo) << 2);
          const src = plane + (<usize>((oh * sH + shH) * W + shW) << 2);
          if (owLo > 0) zeroFloats(dst, owLo);
          if (sW == 1) {
            copyFloats(dst + (<usize>owLo << 2), src + (<usize>owLo << 2), owHi - owLo);
          } else {
            for (let ow = owLo; ow < owHi; ow++) store<f32>(dst + (<usize>ow << 2), load<f32>(src + (<usize>(ow * sW) << 2)));
          }
          if (owHi < Wo) zeroFloats(dst + (<usize>owHi << 2), Wo - owHi);
        }
        zeroFloats(base + (<usize>(ohHi * Wo) << 2), (Ho - ohHi) * Wo);
      }
    }
  }
}

/** The adjoint of im2col: gx[c, ih, iw] += cols[row, oh*Wo + ow] over every patch touching it. */
function col2im(cols: usize, Cg: i32, geom: usize, gx: usize): void {
  const H = g(geom, CONV_H), W = g(geom, CONV_W), kH = g(geom, CONV_KH), kW = g(geom, CONV_KW);
  const sH = g(geom, CONV_STRIDE_H), sW = g(geom, CONV_STRIDE_W), pH = g(geom, CONV_PAD_H), pW = g(geom, CONV_PAD_W), dH = g(geom, CONV_DILATION_H), dW = g(geom, CONV_DILATION_W);
  const Ho = g(geom, CONV_HO), Wo = g(geom, CONV_WO), L = Ho * Wo;
  let row = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = gx + (<usize>(c * H * W) << 2);
    for (let kh = 0; kh < kH; kh++) {
      const shH = kh * dH - pH;
      const ohLo = lowOut(shH, sH, Ho), ohHi = max(ohLo, highOut(shH, sH, H, Ho));
      for (let kw = 0; kw < kW; kw++, row++) {
        const shW = kw * dW - pW;
        const owLo = lowOut(shW, sW, Wo), owHi = max(owLo, highOut(shW, sW, W, Wo));
        const base = cols + (<usize>(row * L) << 2);
        for (let oh = ohLo; oh < ohHi; oh++) {
          const src = base + (<usize>(oh * Wo) << 2);
          const dst = plane + (<usize>((oh * sH + shH) * W + shW) << 2);
          if (sW == 1) {
            let ow = owLo;
            for (; ow + 4 <= owHi; ow += 4) {
              const o = dst + (<usize>ow << 2);
              v128.store(o, f32x4.add(v128.load(o), v128.load(src + (<usize>ow << 2))));
            }
            for (; ow < owHi; ow++) {
              const o = dst + (<usize>ow << 2);
              store<f32>(o, load<f32>(o) + load<f32>(src + (<usize>ow << 2)));
            }
          } else {
            for (let ow = owLo; ow < owHi; ow++) {
              const o = dst + (<usize>(ow * sW) << 2);
              store<f32>(o, load<f32>(o) + load<f32>(src + (<usize>ow << 2)));
            }
          }
        }
      }
    }
  }
}

function isPointwise(geom: usize): bool {
  return g(geom, CONV_KH) == 1 && g(geom, CONV_KW) == 1 && g(geom, CONV_STRIDE_H) == 1 && g(geom, CONV_STRIDE_W) == 1 && g(geom, CONV_PAD_H) == 0 &&
    g(geom, CONV_PAD_W) == 0 && g(geom, CONV_HO) == g(geom, CONV_H) && g(geom, CONV_WO) == g(geom, CONV_W);
}

/** Bytes of the cols block one thread needs (0 for pointwise convolutions, which need none). */
export function convColsBytes(geom: usize): i32 {
  if (isPointwise(geom)) return 0;
  return ((g(geom, CONV_C) / g(geom, CONV_GROUPS)) * g(geom, CONV_KH) * g(geom, CONV_KW) * g(geom, CONV_HO) * g(geom, CONV_WO)) << 2;
}

/**
 * Floats of one group's packed weight: forward multiplies W_g (Og, K), the input gradient
 * W_g^T (K, Og); the rows are padded to whole micro-kernel panels.
 */
function packedGroupFloats(geom: usize, transposed: bool): i32 {
  const Og = g(geom, CONV_O) / g(geom, CONV_GROUPS), K = (g(geom, CONV_C) / g(geom, CONV_GROUPS)) * g(geom, CONV_KH) * g(geom, CONV_KW);
  const rows = transposed ? K : Og, depth = transposed ? Og : K;
  return (rows + MR - 1) / MR * MR * depth;
}

export function packedWeightBytes(geom: usize, transposed: bool): i32 {
  return (packedGroupFloats(geom, transposed) * g(geom, CONV_GROUPS)) << 2;
}

/** Packs every group's weight once (for all samples and threads) at `dst`, as packAll does. */
export function packWeights(geom: usize, w: usize, dst: usize, transposed: bool): void {
  const groups = g(geom, CONV_GROUPS), Og = g(geom, CONV_O) / groups, K = (g(geom, CONV_C) / groups) * g(geom, CONV_KH) * g(geom, CONV_KW);
  const per = <usize>packedGroupFloats(geom, transposed) << 2;
  for (let gi = 0; gi < groups; gi++) {
    const wg = w + (<usize>(gi * Og * K) << 2);
    if (transposed) packAll(dst + <usize>gi * per, wg, 1, K, K, Og);
    else packAll(dst + <usize>gi * per, wg, K, 1, Og, K);
  }
}

/**
 * out (N, O, Ho, Wo) = epilogue(conv(x, w) + bias) (bias 0: none; the epilogue codes are in
 * src/layout.ts: EPILOGUE_RELU max(., 0), NaN kept); `packed` from
 * packWeights. The threads take samples one at a time from the shared counter at `next` (an i32
 * the host zeroes), so a thread slowed down by other work on its core takes fewer of them; each
 * sample's output is computed the same way whichever thread takes it. The i32 at `ready` counts
 * the samples of x the host has copied in so far: a thread waits for its sample to arrive, so the
 * workers start while the host is still copying.
 */
export function conv2d(geom: usize, x: usize, w: usize, bias: usize, out: usize,
  colsBase: usize, scratch: usize, packed: usize, epilogue: i32, next: usize, ready: usize, part: i32, parts: i32): void {
  const N = g(geom, CONV_N), C = g(geom, CONV_C), H = g(geom, CONV_H), W = g(geom, CONV_W), O = g(geom, CONV_O);
  const groups = g(geom, CONV_GROUPS), Ho = g(geom, CONV_HO), Wo = g(geom, CONV_WO), S = g(geom, CONV_OUT_STRIDE);
  const Cg = C / groups, Og = O / groups, K = Cg * g(geom, CONV_KH) * g(geom, CONV_KW), L = Ho * Wo;
  const direct = isPointwise(geom);
  const cols = colsBase + <usize>part * <usize>convColsBytes(geom);
  const scr = scratch + <usize>part * <usize>gemmScratchBytes();
  for (let n = atomic.add<i32>(next, 1); n < N; n = atomic.add<i32>(next, 1)) {
    for (let have = atomic.load<i32>(ready); have <= n; have = atomic.load<i32>(ready)) {
      memory.atomic.wait32(ready, have, 1_000_000); // 1 ms: the host notifies after each copy
    }
    // Derived after the wait: V8's baseline tier on Node 20 was seen to lose a flag computed before
    // memory.atomic.wait32 (assembly/winograd.ts never waits for that reason).
    const relu = epilogue == EPILOGUE_RELU;
    for (let gi = 0; gi < groups; gi++) {
      const xs = x + (<usize>((n * C + gi * Cg) * H * W) << 2);
      if (!direct) im2col(xs, Cg, geom, cols);
      const o = out + (<usize>(n * S + gi * Og * L) << 2);
      // bias and ReLU applied as the products are stored (gemmBlock's epilogue), not in a pass after
      gemmBlock(Og, L, K, w + (<usize>(gi * Og * K) << 2), K, 1, direct ? xs : cols, L, 1, o, L, false, scr,
        packed + <usize>gi * (<usize>packedGroupFloats(geom, false) << 2), bias != 0 ? bias + (<usize>(gi * Og) << 2) : 0, relu);
    }
  }
}

/** g[i] = mask[i] <= 0 ? 0 : g[i] for n floats in place (ReLU's backward from its output `mask`). */
function maskByRelu(g: usize, mask: usize, dst: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, v128.andnot(v128.load(g + o), f32x4.le(v128.load(mask + o), zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(mask + o) <= 0 ? 0 : load<f32>(g + o));
  }
}

/** dst[i] += src[i] for n floats. */
export function addInto(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = dst + (<usize>i << 2);
    v128.store(o, f32x4.add(v128.load(o), v128.load(src + (<usize>i << 2))));
  }
  for (; i < n; i++) {
    const o = dst + (<usize>i << 2);
    store<f32>(o, load<f32>(o) + load<f32>(src + (<usize>i << 2)));
  }
}

/**
 * Every gradient of one convolution in one pass over part `part`'s samples, so gOut is read from
 * one copy and the threads are dispatched once: per sample, the weight gradient
 * gW_g += gOut_g · cols^T (cols = im2col(x_n)), then the input gradient from W_g^T · gOut_g
 * (col2im, reusing the same cols block), then the bias gradient's row sums. A zero `gx`, `gwBase`
 * or `gbBase` skips that gradient. gW is summed into the part's own block gwBase + part * O*K
 * floats, gB into gbBase + part * O float64s (the host adds the blocks up); `packedT` is the
 * weight packed by packWeights (transposed), needed only with `gx`. With `reluOut` != 0 the
 * convolution was followed by a ReLU whose output that is: each sample's gOut is first masked by it
 * (ReLU's backward) into the part's block of `masked` (O * Ho * Wo floats a part), gOut itself
 * left as it is. The i32 at `ready` counts the
 * parts whose samples the host has copied in, last part first: part p starts once it reaches
 * parts - p, so the workers start while the host still copies part 0's samples.
 */
export function conv2dBackward(geom: usize, gOut: usize, x: usize, w: usize, gx: usize, gwBase: usize, gbBase: usize,
  colsBase: usize, scratch: usize, packedT: usize, reluOut: usize, masked: usize, ready: usize, part: i32, parts: i32): void {
  const N = g(geom, CONV_N), C = g(geom, CONV_C), H = g(geom, CONV_H), W = g(geom, CONV_W), O = g(geom, CONV_O);
  const groups = g(geom, CONV_GROUPS), Ho = g(geom, CONV_HO), Wo = g(geom, CONV_WO), S = g(geom, CONV_OUT_STRIDE);
  const Cg = C / groups, Og = O / groups, K = Cg * g(geom, CONV_KH) * g(geom, CONV_KW), L = Ho * Wo;
  const direct = isPointwise(geom);
  const cols = colsBase + <usize>part * <usize>convColsBytes(geom);
  const scr = scratch + <usize>part * <usize>gemmScratchBytes();
  const gw = gwBase + (<usize>(part * O * K) << 2);
  const gb = gbBase + (<usize>(part * O) << 3);
  if (gwBase != 0) memory.fill(gw, 0, <usize>(O * K) << 2);
  if (gbBase != 0) memory.fill(gb, 0, <usize>O << 3);
  for (let have = atomic.load<i32>(ready); have < parts - part; have = atomic.load<i32>(ready)) {
    memory.atomic.wait32(ready, have, 1_000_000); // 1 ms: the host notifies after each part
  }
  const n0 = N * part / parts, n1 = N * (part + 1) / parts;
  const mk = masked + (<usize>(part * O * L) << 2);
  for (let n = n0; n < n1; n++) {
    let gn = gOut + (<usize>(n * S) << 2);
    if (reluOut != 0) {
      maskByRelu(gn, reluOut + (<usize>(n * S) << 2), mk, O * L);
      gn = mk;
    }
    for (let gi = 0; gi < groups; gi++) {
      const gs = gn + (<usize>(gi * Og * L) << 2);
      if (gwBase != 0) {
        const xs = x + (<usize>((n * C + gi * Cg) * H * W) << 2);
        if (!direct) im2col(xs, Cg, geom, cols);
        gemmBlock(Og, K, L, gs, L, 1, direct ? xs : cols, 1, L, gw + (<usize>(gi * Og * K) << 2), K, true, scr);
      }
      if (gx != 0) {
        const xs = gx + (<usize>((n * C + gi * Cg) * H * W) << 2);
        const wg = w + (<usize>(gi * Og * K) << 2);
        const pw = packedT + <usize>gi * (<usize>packedGroupFloats(geom, true) << 2);
        if (direct) {
          gemmBlock(K, L, Og, wg, 1, K, gs, L, 1, xs, L, false, scr, pw);
        } else {
          gemmBlock(K, L, Og, wg, 1, K, gs, L, 1, cols, L, false, scr, pw);
          memory.fill(xs, 0, <usize>(Cg * H * W) << 2);
          col2im(cols, Cg, geom, xs);
        }
      }
    }
    if (gbBase != 0) {
      for (let o = 0; o < O; o++) {
        const p = gb + (<usize>o << 3);
        store<f64>(p, load<f64>(p) + rowSum(gn + (<usize>(o * L) << 2), L));
      }
    }
  }
}

/** Sum of n floats at `p`: f32x4 lanes widened to two f64x2 accumulators, the tail in f64. */
function rowSum(p: usize, n: i32): f64 {
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
  }
  let s = f64x2.extract_lane(lo, 0) + f64x2.extract_lane(lo, 1) + (f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1));
  for (; i < n; i++) s += <f64>load<f32>(p + (<usize>i << 2));
  return s;
}
