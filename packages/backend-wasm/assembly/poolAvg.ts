// Average pooling forward and backward, split over threads by planes. The geometry is a block of
// i32 at `geom`, its slots named in src/layout.ts (dilation is ignored: always 1). Sums and shares are float64, rounded to float32 exactly where
// the CPU kernel (src/backend/cpu/pool.ts) rounds, so both give the same bits.
//
// The window of output (oh, ow) is [hs, he) x [ws, we), clipped to the padded input [-p, L + p)
// (the ceil-mode overhang does not count); its in-input part is [h0, h1) x [w0, w1). The divisor
// is `divisorOverride` when > 0, else the padded window's area when `countIncludePad`, else the
// in-input area; a window without input elements gives 0.
import { POOL_PLANES, POOL_IN_H, POOL_IN_W, POOL_OUT_H, POOL_OUT_W, POOL_KH, POOL_KW, POOL_STRIDE_H, POOL_STRIDE_W, POOL_PAD_H, POOL_PAD_W } from '../src/layout';
import { lanes } from './pool';

// @ts-ignore: decorator
@inline function g(geom: usize, i: i32): i32 { return load<i32>(geom + (<usize>i << 2)); }

// @ts-ignore: decorator
@inline function divisor(padArea: i32, inArea: i32, countIncludePad: i32, divisorOverride: f64): f64 {
  if (divisorOverride > 0) return divisorOverride;
  return <f64>(countIncludePad != 0 ? padArea : inArea);
}

/** Sum of the kH x kW window at `p` (row stride inW) in float64, row by row, left to right. */
// @ts-ignore: decorator
@inline function windowSum(p: usize, inW: i32, rows: i32, cols: i32): f64 {
  let sum: f64 = 0;
  const rowBytes = <usize>inW << 2;
  for (let r = 0; r < rows; r++, p += rowBytes) {
    let c = 0;
    for (; c + 3 <= cols; c += 3) {
      const q = p + (<usize>c << 2);
      sum += <f64>load<f32>(q);
      sum += <f64>load<f32>(q, 4);
      sum += <f64>load<f32>(q, 8);
    }
    for (; c < cols; c++) sum += <f64>load<f32>(p + (<usize>c << 2));
  }
  return sum;
}

/** One output by the scalar path: the window starting at column ws, rows as given, clipped. */
// @ts-ignore: decorator
@inline function windowAvg(base: usize, o: usize, inW: i32, ws: i32, kW: i32, pW: i32, hs: i32, he: i32, h0: i32, h1: i32,
  countIncludePad: i32, divisorOverride: f64): void {
  const we = min(ws + kW, inW + pW);
  const w0 = max(ws, 0), w1 = min(we, inW);
  if (h0 >= h1 || w0 >= w1) {
    store<f32>(o, 0);
    return;
  }
  const sum = windowSum(base + (<usize>(h0 * inW + w0) << 2), inW, h1 - h0, w1 - w0);
  store<f32>(o, <f32>(sum / divisor((he - hs) * (we - ws), (h1 - h0) * (w1 - w0), countIncludePad, divisorOverride)));
}


/**
 * Four adjacent outputs whose windows lie inside the row (columns w0 + lane * sW + kw), rows
 * [h0, h1), divisor `d`: two float64 lanes per accumulator, each lane summing in the scalar order
 * (row by row, left to right), so every lane gives the scalar path's bits. Called with a literal
 * `sW` where it matters, so `lanes` loses its branches.
 */
// @ts-ignore: decorator
@inline function windowAvg4(base: usize, inW: i32, h0: i32, h1: i32, w0: i32, kW: i32, sW: i32, d: v128, out: usize): void {
  const rowBytes = <usize>inW << 2;
  let q = base + (<usize>(h0 * inW + w0) << 2);
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  for (let ih = h0; ih < h1; ih++, q += rowBytes) {
    for (let kw = 0; kw < kW; kw++) {
      const v = lanes(q + (<usize>kw << 2), sW);
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15)));
    }
  }
  const r0 = f32x4.demote_f64x2_zero(f64x2.div(lo, d)), r1 = f32x4.demote_f64x2_zero(f64x2.div(hi, d));
  v128.store(out, i8x16.shuffle(r0, r1, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
}

/**
 * out[p, oh, ow] = (sum of the window) / divisor, as float32. Outputs whose window is not clipped
 * horizontally (and has rows) go four at a time by windowAvg4, the last four overlapping the
 * previous ones when the count is not a multiple of 4; the rest one at a time.
 */
export function avgPool2d(geom: usize, countIncludePad: i32, divisorOverride: f64, x: usize, out: usize, part: i32, parts: i32): void {
  const planes = g(geom, POOL_PLANES), inH = g(geom, POOL_IN_H), inW = g(geom, POOL_IN_W), outH = g(geom, POOL_OUT_H), outW = g(geom, POOL_OUT_W);
  const kH = g(geom, POOL_KH), kW = g(geom, POOL_KW), sH = g(geom, POOL_STRIDE_H), sW = g(geom, POOL_STRIDE_W), pH = g(geom, POOL_PAD_H), pW = g(geom, POOL_PAD_W);
  const p0 = planes * part / parts, p1 = planes * (part + 1) / parts;
  const inPlane = inH * inW, outPlane = outH * outW;
  // Outputs [owLo, owHi) have their whole window inside the row.
  const owLo = min(outW, (pW + sW - 1) / sW);
  const lastFit = inW + pW - kW; // ow * sW <= lastFit keeps the window's right end inside
  let owHi = lastFit < 0 ? owLo : max(owLo, min(outW, lastFit / sW + 1));
  if (owHi - owLo < 4) owHi = owLo;
  for (let p = p0; p < p1; p++) {
    const base = x + (<usize>(p * inPlane) << 2);
    for (let oh = 0; oh < outH; oh++) {
      const hs = oh * sH - pH, he = min(hs + kH, inH + pH);
      const h0 = max(hs, 0), h1 = min(he, inH);
      const o = out + (<usize>((p * outPlane + oh * outW) << 2));
      const simd = h0 < h1 && owHi > owLo;
      for (let ow = 0; ow < outW; ow++) {
        if (simd && ow == owLo) ow = owHi;
        if (ow >= outW) break;
        windowAvg(base, o + (<usize>ow << 2), inW, ow * sW - pW, kW, pW, hs, he, h0, h1, countIncludePad, divisorOverride);
      }
      if (!simd) continue;
      const d = f64x2.splat(divisor((he - hs) * kW, (h1 - h0) * kW, countIncludePad, divisorOverride));
      for (let ow = owLo; ow < owHi; ow += 4) {
        const at = min(ow, owHi - 4);
        const ob = o + (<usize>at << 2), w0 = at * sW - pW;
        if (sW == 2) windowAvg4(base, inW, h0, h1, w0, kW, 2, d, ob);
        else if (sW == 1) windowAvg4(base, inW, h0, h1, w0, kW, 1, d, ob);
        else windowAvg4(base, inW, h0, h1, w0, kW, sW, d, ob);
      }
    }
  }
}

/**
 * Backward of avgPool2d: out (the input's shape) = 0, then each window in (oh, ow) order adds
 * gOut / divisor (float64) into its in-input elements, rounding each sum to float32.
 */
export function avgPool2dBackward(geom: usize, countIncludePad: i32, divisorOverride: f64, gOut: usize, out: usize, part: i32, parts: i32): void {
  const planes = g(geom, POOL_PLANES), inH = g(geom, POOL_IN_H), inW = g(geom, POOL_IN_W), outH = g(geom, POOL_OUT_H), outW = g(geom, POOL_OUT_W);
  const kH = g(geom, POOL_KH), kW = g(geom, POOL_KW), sH = g(geom, POOL_STRIDE_H), sW = g(geom, POOL_STRIDE_W), pH = g(geom, POOL_PAD_H), pW = g(geom, POOL_PAD_W);
  const p0 = planes * part / parts, p1 = planes * (part + 1) / parts;
  const inPlane = inH * inW, outPlane = outH * outW;
  const rowBytes = <usize>inW << 2;
  for (let p = p0; p < p1; p++) {
    const base = out + (<usize>(p * inPlane) << 2);
    memory.fill(base, 0, <usize>inPlane << 2);
    let o = gOut + (<usize>(p * outPlane) << 2);
    for (let oh = 0; oh < outH; oh++) {
      const hs = oh * sH - pH, he = min(hs + kH, inH + pH);
      const h0 = max(hs, 0), h1 = min(he, inH);
      for (let ow = 0; ow < outW; ow++, o += 4) {
        const ws = ow * sW - pW, we = min(ws + kW, inW + pW);
        const w0 = max(ws, 0), w1 = min(we, inW);
        if (h0 >= h1 || w0 >= w1) continue;
        const share = <f64>load<f32>(o) / divisor((he - hs) * (we - ws), (h1 - h0) * (w1 - w0), countIncludePad, divisorOverride);
        let q = base + (<usize>(h0 * inW + w0) << 2);
        const cols = w1 - w0;
        for (let r = h0; r < h1; r++, q += rowBytes) {
          for (let c = 0; c < cols; c++) {
            const a = q + (<usize>c << 2);
            store<f32>(a, <f32>(<f64>load<f32>(a) + share));
          }
        }
      }
    }
  }
}
