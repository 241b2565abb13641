// Max pooling forward, split over threads by planes. The geometry is a block of i32 at
// `geom`, its slots named in src/layout.ts.
//
// Everything is branch-free: on real data "is this a new maximum?" is close to random, so a branch
// would mispredict about half the time. Outputs whose window starts inside the row go four at a
// time in f32x4 lanes (compare, then bitselect of the value and of its index), a column of four
// walking down the plane; a float `select` would compile to a branch on x64, so the scalar path
// (windows clipped on the left) selects the value's bits as an i32 instead.
import { POOL_PLANES, POOL_IN_H, POOL_IN_W, POOL_OUT_H, POOL_OUT_W, POOL_KH, POOL_KW, POOL_STRIDE_H, POOL_STRIDE_W, POOL_PAD_H, POOL_PAD_W, POOL_DILATION_H, POOL_DILATION_W } from '../src/layout';

// @ts-ignore: decorator
@inline function g(geom: usize, i: i32): i32 { return load<i32>(geom + (<usize>i << 2)); }

/** One output by the scalar path: the max over its (clipped) window and the flat index of it. */
// @ts-ignore: decorator
@inline function windowMax(base: usize, inW: i32, h0: i32, h1: i32, dH: i32, w0: i32, w1: i32, dW: i32, out: usize, argmax: usize): void {
  let bestBits = reinterpret<i32>(<f32>-Infinity);
  let at = h0 * inW + w0;
  for (let ih = h0; ih < h1; ih += dH) {
    const row = ih * inW;
    for (let iw = w0; iw < w1; iw += dW) {
      const v = load<f32>(base + (<usize>(row + iw) << 2));
      const best = reinterpret<f32>(bestBits);
      const take = (v > best) | (v != v);
      bestBits = select<i32>(reinterpret<i32>(v), bestBits, take);
      at = select<i32>(row + iw, at, take);
    }
  }
  store<i32>(out, bestBits);
  store<f32>(argmax, <f32>at);
}

/** Four adjacent windows' values, lanes `sW` apart from `p` (also read by poolAvg.ts). */
// @ts-ignore: decorator
@inline export function lanes(p: usize, sW: i32): v128 {
  if (sW == 1) return v128.load(p);
  if (sW == 2) return i8x16.shuffle(v128.load(p), v128.load(p, 16), 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
  const step = <usize>sW << 2;
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, load<f32>(p + step));
  v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * step));
  return f32x4.replace_lane(v, 3, load<f32>(p + 3 * step));
}

/** The flat indices of rowMax4's maxima (a global is per instance, so per thread). */
let rowAt: v128 = i32x4.splat(0);

/**
 * Four lanes' maxima over one window row: columns col0 + lane * sW + kw * dW (flat in the plane),
 * kw < kW; returns the values and leaves their flat indices in `rowAt`. Ties keep the first; a NaN
 * takes over. With `clip` (a literal), columns at or past the row's end (w0 + lane * sW + kw * dW
 * >= inW, read from whatever follows: the next row, or the next arena block) count as -inf, which
 * never takes over, so a window clipped on the right gives what the scalar path gives.
 */
// @ts-ignore: decorator
@inline function rowMax4(base: usize, col0: i32, w0: i32, inW: i32, kW: i32, dW: i32, sW: i32, laneStep: v128, clip: bool): v128 {
  let q = base + (<usize>col0 << 2);
  const dWv = i32x4.splat(dW), dWBytes = <usize>dW << 2;
  let cand = i32x4.add(i32x4.splat(col0), laneStep);
  let best = lanes(q, sW), at = cand;
  let col = i32x4.add(i32x4.splat(w0), laneStep);
  const end = i32x4.splat(inW), ninf = f32x4.splat(-Infinity);
  for (let kw = 1; kw < kW; kw++) {
    q += dWBytes;
    cand = i32x4.add(cand, dWv);
    let v = lanes(q, sW);
    if (clip) {
      col = i32x4.add(col, dWv);
      v = v128.bitselect(v, ninf, i32x4.lt_s(col, end));
    }
    const take = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
    best = v128.bitselect(v, best, take);
    at = v128.bitselect(cand, at, take);
  }
  rowAt = at;
  return best;
}

/**
 * One column of four adjacent outputs, starting at input column w0, whose windows start inside the
 * row and end inside it too unless `clip` (a literal): every output row oh, in f32x4 lanes. Each
 * window row's own maximum comes first (rowMax4), then merges into the window's: the same rule
 * (take when greater or NaN) over the same row-major order, so the same winner as one scan of the
 * window, with chains of kW and kH steps instead of one of kH * kW. When consecutive windows share
 * one row (kH = sH + 1, no dilation: 3 / 2), rows [ohLo, ohHi) (windows inside the plane) pass
 * their last row's maxima on to the next window, so each input row is scanned once. Called with a
 * literal `sW`, so `lanes` loses its branches.
 */
// @ts-ignore: decorator
@inline function columnMax4(base: usize, inW: i32, inH: i32, outH: i32, outW: i32, kH: i32, sH: i32, pH: i32, dH: i32,
  w0: i32, kW: i32, dW: i32, sW: i32, ohLo: i32, ohHi: i32, laneStep: v128, clip: bool, out: usize, argmax: usize): void {
  const outRow = <usize>outW << 2;
  let oh = 0;
  while (oh < outH) {
    if (oh == ohLo && ohHi > ohLo) {
      let h = oh * sH - pH;
      let carry = rowMax4(base, h * inW + w0, w0, inW, kW, dW, sW, laneStep, clip), carryAt = rowAt;
      for (; oh < ohHi; oh++, h += sH) {
        let best = carry, at = carryAt;
        for (let r = 1; r < kH; r++) {
          const v = rowMax4(base, (h + r) * inW + w0, w0, inW, kW, dW, sW, laneStep, clip), vAt = rowAt;
          const take = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
          best = v128.bitselect(v, best, take);
          at = v128.bitselect(vAt, at, take);
          carry = v;
          carryAt = vAt;
        }
        const o = <usize>oh * outRow;
        v128.store(out + o, best);
        v128.store(argmax + o, f32x4.convert_i32x4_s(at));
      }
      continue;
    }
    let h0 = oh * sH - pH;
    const h1 = min(h0 + (kH - 1) * dH + 1, inH);
    while (h0 < 0) h0 += dH;
    let best = f32x4.splat(-Infinity);
    let at = i32x4.add(i32x4.splat(h0 * inW + w0), laneStep);
    for (let ih = h0; ih < h1; ih += dH) {
      const v = rowMax4(base, ih * inW + w0, w0, inW, kW, dW, sW, laneStep, clip), vAt = rowAt;
      const take = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
      best = v128.bitselect(v, best, take);
      at = v128.bitselect(vAt, at, take);
    }
    const o = <usize>oh * outRow;
    v128.store(out + o, best);
    v128.store(argmax + o, f32x4.convert_i32x4_s(at));
    oh++;
  }
}

/**
 * out[p, oh, ow] = max over the dilated window (padding acts as -inf), argmax its flat index in the
 * plane (float32). Ties keep the first maximum in row-major window order; a NaN takes over (the
 * last NaN wins), as PyTorch.
 */
export function maxPool2d(geom: usize, x: usize, out: usize, argmax: usize, part: i32, parts: i32): void {
  const planes = g(geom, POOL_PLANES), inH = g(geom, POOL_IN_H), inW = g(geom, POOL_IN_W), outH = g(geom, POOL_OUT_H), outW = g(geom, POOL_OUT_W);
  const kH = g(geom, POOL_KH), kW = g(geom, POOL_KW), sH = g(geom, POOL_STRIDE_H), sW = g(geom, POOL_STRIDE_W), pH = g(geom, POOL_PAD_H), pW = g(geom, POOL_PAD_W);
  const dH = g(geom, POOL_DILATION_H), dW = g(geom, POOL_DILATION_W);
  const p0 = planes * part / parts, p1 = planes * (part + 1) / parts;
  const inPlane = inH * inW, outPlane = outH * outW;
  // Outputs [owLo, owHi) have their whole window inside the row; [owHi, owEnd) start inside it but
  // are clipped on the right (ceil mode, right padding). Both go in lanes, four at a time, the
  // last four overlapping the previous ones when the count is not a multiple of 4 (rewriting the
  // same values); a group reaching past owHi masks the columns past the row's end. With fewer than
  // four such outputs, every output goes scalar; so do those clipped on the left.
  const owLo = min(outW, (pW + sW - 1) / sW);
  const lastFit = inW + pW - (kW - 1) * dW - 1; // ow * sW <= lastFit keeps the window's right end inside
  const owHi = lastFit < 0 ? owLo : max(owLo, min(outW, lastFit / sW + 1));
  let owEnd = max(owHi, min(outW, (inW + pW - 1) / sW + 1));
  if (owEnd - owLo < 4) owEnd = owLo;
  // Output rows [ohLo, ohHi) have their whole window inside the plane; they share rows when kH = sH + 1.
  let ohLo = 0, ohHi = 0;
  if (dH == 1 && kH == sH + 1 && inH + pH - kH >= 0) {
    ohLo = min(outH, (pH + sH - 1) / sH);
    ohHi = max(ohLo, min(outH, (inH + pH - kH) / sH + 1));
  }
  const laneStep = i32x4(0, sW, 2 * sW, 3 * sW);
  for (let p = p0; p < p1; p++) {
    const base = x + (<usize>(p * inPlane) << 2);
    const po = <usize>(p * outPlane) << 2;
    for (let oh = 0; oh < outH; oh++) {
      let h0 = oh * sH - pH;
      const h1 = min(h0 + (kH - 1) * dH + 1, inH);
      while (h0 < 0) h0 += dH;
      const o = po + (<usize>(oh * outW) << 2);
      for (let ow = 0; ow < outW; ow++) {
        if (ow == owLo && owEnd > owLo) ow = owEnd;
        if (ow >= outW) break;
        let w0 = ow * sW - pW;
        const w1 = min(w0 + (kW - 1) * dW + 1, inW);
        while (w0 < 0) w0 += dW;
        const ob = o + (<usize>ow << 2);
        windowMax(base, inW, h0, h1, dH, w0, w1, dW, out + ob, argmax + ob);
      }
    }
    for (let ow = owLo; ow < owEnd; ow += 4) {
      const at = min(ow, owEnd - 4);
      const ob = po + (<usize>at << 2), w0 = at * sW - pW;
      if (at + 4 > owHi) {
        columnMax4(base, inW, inH, outH, outW, kH, sH, pH, dH, w0, kW, dW, sW, ohLo, ohHi, laneStep, true, out + ob, argmax + ob);
      } else if (sW == 2) {
        columnMax4(base, inW, inH, outH, outW, kH, sH, pH, dH, w0, kW, dW, 2, ohLo, ohHi, laneStep, false, out + ob, argmax + ob);
      } else if (sW == 1) {
        columnMax4(base, inW, inH, outH, outW, kH, sH, pH, dH, w0, kW, dW, 1, ohLo, ohHi, laneStep, false, out + ob, argmax + ob);
      } else {
        columnMax4(base, inW, inH, outH, outW, kH, sH, pH, dH, w0, kW, dW, sW, ohLo, ohHi, laneStep, false, out + ob, argmax + ob);
      }
    }
  }
}
