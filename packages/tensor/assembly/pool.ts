// Max pooling forward, split over threads by planes. The geometry is 13 i32 at `geom`, in
// Pool2dGeometry's order: planes, inH, inW, outH, outW, kH, kW, sH, sW, pH, pW, dH, dW.
// The window scan is branchless (`select` compiles to a conditional move): on real data the
// "new maximum?" test is close to random, and a branch would mispredict half the time.

// @ts-ignore: decorator
@inline function g(geom: usize, i: i32): i32 { return load<i32>(geom + (<usize>i << 2)); }

/**
 * out[p, oh, ow] = max over the dilated window (padding acts as -inf), argmax its flat index in the
 * plane (float32). Ties keep the first maximum; a NaN takes over (the last NaN wins), as PyTorch.
 */
export function maxPool2d(geom: usize, x: usize, out: usize, argmax: usize, part: i32, parts: i32): void {
  const planes = g(geom, 0), inH = g(geom, 1), inW = g(geom, 2), outH = g(geom, 3), outW = g(geom, 4);
  const kH = g(geom, 5), kW = g(geom, 6), sH = g(geom, 7), sW = g(geom, 8), pH = g(geom, 9), pW = g(geom, 10);
  const dH = g(geom, 11), dW = g(geom, 12);
  const p0 = planes * part / parts, p1 = planes * (part + 1) / parts;
  const inPlane = inH * inW, outPlane = outH * outW;
  for (let p = p0; p < p1; p++) {
    const base = x + (<usize>(p * inPlane) << 2);
    let o = <usize>(p * outPlane) << 2;
    for (let oh = 0; oh < outH; oh++) {
      let h0 = oh * sH - pH;
      const h1 = min(h0 + (kH - 1) * dH + 1, inH);
      while (h0 < 0) h0 += dH;
      for (let ow = 0; ow < outW; ow++, o += 4) {
        let w0 = ow * sW - pW;
        const w1 = min(w0 + (kW - 1) * dW + 1, inW);
        while (w0 < 0) w0 += dW;
        let best: f32 = -Infinity;
        let at = h0 * inW + w0;
        for (let ih = h0; ih < h1; ih += dH) {
          const row = ih * inW;
          for (let iw = w0; iw < w1; iw += dW) {
            const v = load<f32>(base + (<usize>(row + iw) << 2));
            const take = v > best || v != v;
            best = select<f32>(v, best, take);
            at = select<i32>(row + iw, at, take);
          }
        }
        store<f32>(out + o, best);
        store<f32>(argmax + o, <f32>at);
      }
    }
  }
}
