// Max pooling forward, split over threads by planes. The geometry is 13 i32 at `geom`, in
// Pool2dGeometry's order: planes, inH, inW, outH, outW, kH, kW, sH, sW, pH, pW, dH, dW.
//
// Everything is branch-free: on real data "is this a new maximum?" is close to random, so a branch
// would mispredict about half the time. Interior outputs go four at a time in f32x4 lanes (compare,
// then bitselect of the value and of its index); a float `select` would compile to a branch on x64,
// so the scalar border path selects the value's bits as an i32 instead.

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

/** Four adjacent window rows' values, lanes `sW` apart from `p`. */
// @ts-ignore: decorator
@inline function lanes(p: usize, sW: i32): v128 {
  if (sW == 1) return v128.load(p);
  if (sW == 2) return i8x16.shuffle(v128.load(p), v128.load(p, 16), 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
  const step = <usize>sW << 2;
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, load<f32>(p + step));
  v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * step));
  return f32x4.replace_lane(v, 3, load<f32>(p + 3 * step));
}

/**
 * out[p, oh, ow] = max over the dilated window (padding acts as -inf), argmax its flat index in the
 * plane (float32). Ties keep the first maximum in row-major window order; a NaN takes over (the
 * last NaN wins), as PyTorch.
 */
export function maxPool2d(geom: usize, x: usize, out: usize, argmax: usize, part: i32, parts: i32): void {
  const planes = g(geom, 0), inH = g(geom, 1), inW = g(geom, 2), outH = g(geom, 3), outW = g(geom, 4);
  const kH = g(geom, 5), kW = g(geom, 6), sH = g(geom, 7), sW = g(geom, 8), pH = g(geom, 9), pW = g(geom, 10);
  const dH = g(geom, 11), dW = g(geom, 12);
  const p0 = planes * part / parts, p1 = planes * (part + 1) / parts;
  const inPlane = inH * inW, outPlane = outH * outW;
  // Outputs [owLo, owHi) have their whole window inside the row: no clipping, so they can go in lanes.
  const owLo = min(outW, (pW + sW - 1) / sW);
  const lastFit = inW + pW - (kW - 1) * dW - 1; // ow * sW <= lastFit keeps the window's right end inside
  const owHi = lastFit < 0 ? owLo : max(owLo, min(outW, lastFit / sW + 1));
  const laneStep = i32x4(0, sW, 2 * sW, 3 * sW);
  for (let p = p0; p < p1; p++) {
    const base = x + (<usize>(p * inPlane) << 2);
    let o = <usize>(p * outPlane) << 2;
    for (let oh = 0; oh < outH; oh++) {
      let h0 = oh * sH - pH;
      const h1 = min(h0 + (kH - 1) * dH + 1, inH);
      while (h0 < 0) h0 += dH;
      let ow = 0;
      for (; ow < outW; ow++, o += 4) {
        if (ow >= owLo && ow + 4 <= owHi) break;
        let w0 = ow * sW - pW;
        const w1 = min(w0 + (kW - 1) * dW + 1, inW);
        while (w0 < 0) w0 += dW;
        windowMax(base, inW, h0, h1, dH, w0, w1, dW, out + o, argmax + o);
      }
      for (; ow + 4 <= owHi; ow += 4, o += 16) {
        const w0 = ow * sW - pW;
        let best = f32x4.splat(-Infinity);
        let at = i32x4.add(i32x4.splat(h0 * inW + w0), laneStep);
        for (let ih = h0; ih < h1; ih += dH) {
          // The row's own maximum first, then merged into the window's: the same rule on the same
          // order, so the same winner, with chains of kW and kH steps instead of one of kH * kW.
          const col0 = ih * inW + w0;
          let rowBest = lanes(base + (<usize>col0 << 2), sW);
          let rowAt = i32x4.add(i32x4.splat(col0), laneStep);
          for (let kw = 1; kw < kW; kw++) {
            const col = col0 + kw * dW;
            const v = lanes(base + (<usize>col << 2), sW);
            const take = v128.or(f32x4.gt(v, rowBest), f32x4.ne(v, v));
            rowBest = v128.bitselect(v, rowBest, take);
            rowAt = v128.bitselect(i32x4.add(i32x4.splat(col), laneStep), rowAt, take);
          }
          const take = v128.or(f32x4.gt(rowBest, best), f32x4.ne(rowBest, rowBest));
          best = v128.bitselect(rowBest, best, take);
          at = v128.bitselect(rowAt, at, take);
        }
        v128.store(out + o, best);
        v128.store(argmax + o, f32x4.convert_i32x4_s(at));
      }
      for (; ow < outW; ow++, o += 4) {
        let w0 = ow * sW - pW;
        const w1 = min(w0 + (kW - 1) * dW + 1, inW);
        while (w0 < 0) w0 += dW;
        windowMax(base, inW, h0, h1, dH, w0, w1, dW, out + o, argmax + o);
      }
    }
  }
}
