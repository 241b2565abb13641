import type { Pool3dGeometry } from '../PoolKernels.js';

// Layout: plane p of the input starts at p * inD * inH * inW; element (d, h, w) of a plane sits at
// (d * inH + h) * inW + w, and likewise for the output.

export function maxPool3d(x: Float32Array, g: Pool3dGeometry, out: Float32Array, argmax: Float32Array): void {
  const { planes, inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, pD, pH, pW, dD, dH, dW } = g;
  const inPlane = inD * inH * inW;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let od = 0; od < outD; od++) {
      let d0 = od * sD - pD;
      const d1 = Math.min(d0 + (kD - 1) * dD + 1, inD);
      while (d0 < 0) d0 += dD;
      for (let oh = 0; oh < outH; oh++) {
        let h0 = oh * sH - pH;
        const h1 = Math.min(h0 + (kH - 1) * dH + 1, inH);
        while (h0 < 0) h0 += dH;
        for (let ow = 0; ow < outW; ow++, o++) {
          let w0 = ow * sW - pW;
          const w1 = Math.min(w0 + (kW - 1) * dW + 1, inW);
          while (w0 < 0) w0 += dW;
          let best = -Infinity, at = (d0 * inH + h0) * inW + w0;
          for (let id = d0; id < d1; id += dD) {
            for (let ih = h0; ih < h1; ih += dH) {
              const row = (id * inH + ih) * inW;
              for (let iw = w0; iw < w1; iw += dW) {
                const v = x[base + row + iw]!;
                if (v > best || v !== v) { best = v; at = row + iw; }
              }
            }
          }
          out[o] = best;
          argmax[o] = at;
        }
      }
    }
  }
}

/**
 * Visits every avg-pool window of a 3-d geometry: calls `fn(o, base, d0, d1, h0, h1, w0, w1, divisor)`
 * with the in-input extent; windows without input elements are skipped. Called once per kernel
 * invocation (the callback is the per-window body, not a per-element closure).
 */
function forEachAvgWindow(g: Pool3dGeometry, countIncludePad: boolean, divisorOverride: number,
  fn: (o: number, base: number, d0: number, d1: number, h0: number, h1: number, w0: number, w1: number, divisor: number) => void): void {
  const { planes, inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, pD, pH, pW } = g;
  const inPlane = inD * inH * inW;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let od = 0; od < outD; od++) {
      const ds = od * sD - pD, de = Math.min(ds + kD, inD + pD);
      const d0 = Math.max(ds, 0), d1 = Math.min(de, inD);
      for (let oh = 0; oh < outH; oh++) {
        const hs = oh * sH - pH, he = Math.min(hs + kH, inH + pH);
        const h0 = Math.max(hs, 0), h1 = Math.min(he, inH);
        for (let ow = 0; ow < outW; ow++, o++) {
          const ws = ow * sW - pW, we = Math.min(ws + kW, inW + pW);
          const w0 = Math.max(ws, 0), w1 = Math.min(we, inW);
          if (d0 >= d1 || h0 >= h1 || w0 >= w1) continue;
          const divisor = divisorOverride > 0 ? divisorOverride
            : countIncludePad ? (de - ds) * (he - hs) * (we - ws) : (d1 - d0) * (h1 - h0) * (w1 - w0);
          fn(o, base, d0, d1, h0, h1, w0, w1, divisor);
        }
      }
    }
  }
}

export function avgPool3d(x: Float32Array, g: Pool3dGeometry, countIncludePad: boolean, divisorOverride: number, out: Float32Array): void {
  const { inH, inW } = g;
  forEachAvgWindow(g, countIncludePad, divisorOverride, (o, base, d0, d1, h0, h1, w0, w1, divisor) => {
    let sum = 0;
    for (let id = d0; id < d1; id++) {
      for (let ih = h0; ih < h1; ih++) {
        const row = base + (id * inH + ih) * inW;
        for (let iw = w0; iw < w1; iw++) sum += x[row + iw]!;
      }
    }
    out[o] = sum / divisor;
  });
}

export function avgPool3dBackward(gOut: Float32Array, g: Pool3dGeometry, countIncludePad: boolean, divisorOverride: number, out: Float32Array): void {
  const { inH, inW } = g;
  forEachAvgWindow(g, countIncludePad, divisorOverride, (o, base, d0, d1, h0, h1, w0, w1, divisor) => {
    const share = gOut[o]! / divisor;
    for (let id = d0; id < d1; id++) {
      for (let ih = h0; ih < h1; ih++) {
        const row = base + (id * inH + ih) * inW;
        for (let iw = w0; iw < w1; iw++) out[row + iw] += share;
      }
    }
  });
}
