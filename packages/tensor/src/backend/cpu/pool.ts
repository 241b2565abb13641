import type { PoolKernels, Pool2dGeometry } from '../PoolKernels.js';
import { maxPool3d, avgPool3d, avgPool3dBackward } from './pool3d.js';
import { adaptiveAvgPool2d, adaptiveAvgPool2dBackward, adaptiveMaxPool2d, adaptiveAvgPool3d, adaptiveAvgPool3dBackward } from './poolAdaptive.js';
import { maxPoolBackward, fractionalMaxPool2d, maxUnpool, maxUnpoolBackward } from './poolIndexed.js';

// Layout: plane p of the input starts at p * inH * inW, of the output at p * outH * outW;
// element (h, w) of a plane sits at h * width + w.

function maxPool2d(x: Float32Array, g: Pool2dGeometry, out: Float32Array, argmax: Float32Array): void {
  const { planes, inH, inW, outH, outW, kH, kW, sH, sW, pH, pW, dH, dW } = g;
  const inPlane = inH * inW;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let oh = 0; oh < outH; oh++) {
      let h0 = oh * sH - pH;
      const h1 = Math.min(h0 + (kH - 1) * dH + 1, inH);
      while (h0 < 0) h0 += dH;
      for (let ow = 0; ow < outW; ow++, o++) {
        let w0 = ow * sW - pW;
        const w1 = Math.min(w0 + (kW - 1) * dW + 1, inW);
        while (w0 < 0) w0 += dW;
        // Strict `>` keeps the first maximum on ties; `v !== v` lets every NaN take over, as PyTorch.
        let best = -Infinity, at = h0 * inW + w0;
        for (let ih = h0; ih < h1; ih += dH) {
          const row = ih * inW;
          for (let iw = w0; iw < w1; iw += dW) {
            const v = x[base + row + iw]!;
            if (v > best || v !== v) { best = v; at = row + iw; }
          }
        }
        out[o] = best;
        argmax[o] = at;
      }
    }
  }
}

/** The divisor of one avg window, and its in-input extent, per PyTorch's avg_pool2d. */
function avgDivisor(poolArea: number, inArea: number, countIncludePad: boolean, divisorOverride: number): number {
  if (divisorOverride > 0) return divisorOverride;
  return countIncludePad ? poolArea : inArea;
}

function avgPool2d(x: Float32Array, g: Pool2dGeometry, countIncludePad: boolean, divisorOverride: number, out: Float32Array): void {
  const { planes, inH, inW, outH, outW, kH, kW, sH, sW, pH, pW } = g;
  const inPlane = inH * inW;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let oh = 0; oh < outH; oh++) {
      // The window clipped to the padded input [-p, L + p): the ceil-mode overhang does not count.
      const hs = oh * sH - pH, he = Math.min(hs + kH, inH + pH);
      const h0 = Math.max(hs, 0), h1 = Math.min(he, inH);
      for (let ow = 0; ow < outW; ow++, o++) {
        const ws = ow * sW - pW, we = Math.min(ws + kW, inW + pW);
        const w0 = Math.max(ws, 0), w1 = Math.min(we, inW);
        if (h0 >= h1 || w0 >= w1) { out[o] = 0; continue; }
        let sum = 0;
        for (let ih = h0; ih < h1; ih++) {
          const row = base + ih * inW;
          for (let iw = w0; iw < w1; iw++) sum += x[row + iw]!;
        }
        out[o] = sum / avgDivisor((he - hs) * (we - ws), (h1 - h0) * (w1 - w0), countIncludePad, divisorOverride);
      }
    }
  }
}

function avgPool2dBackward(gOut: Float32Array, g: Pool2dGeometry, countIncludePad: boolean, divisorOverride: number, out: Float32Array): void {
  const { planes, inH, inW, outH, outW, kH, kW, sH, sW, pH, pW } = g;
  const inPlane = inH * inW;
  out.fill(0, 0, planes * inPlane);
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let oh = 0; oh < outH; oh++) {
      const hs = oh * sH - pH, he = Math.min(hs + kH, inH + pH);
      const h0 = Math.max(hs, 0), h1 = Math.min(he, inH);
      for (let ow = 0; ow < outW; ow++, o++) {
        const ws = ow * sW - pW, we = Math.min(ws + kW, inW + pW);
        const w0 = Math.max(ws, 0), w1 = Math.min(we, inW);
        if (h0 >= h1 || w0 >= w1) continue;
        const share = gOut[o]! / avgDivisor((he - hs) * (we - ws), (h1 - h0) * (w1 - w0), countIncludePad, divisorOverride);
        for (let ih = h0; ih < h1; ih++) {
          const row = base + ih * inW;
          for (let iw = w0; iw < w1; iw++) out[row + iw] += share;
        }
      }
    }
  }
}

function globalAvgPool2d(x: Float32Array, planes: number, size: number, out: Float32Array): void {
  for (let p = 0; p < planes; p++) {
    const base = p * size;
    let sum = 0;
    for (let i = 0; i < size; i++) sum += x[base + i]!;
    out[p] = sum / size;
  }
}

function globalAvgPool2dBackward(gOut: Float32Array, planes: number, size: number, out: Float32Array): void {
  for (let p = 0; p < planes; p++) out.fill(gOut[p]! / size, p * size, (p + 1) * size);
}

export const poolKernels: PoolKernels = {
  maxPool2d,
  maxPool3d,
  maxPoolBackward,
  avgPool2d,
  avgPool2dBackward,
  avgPool3d,
  avgPool3dBackward,
  adaptiveAvgPool2d,
  adaptiveAvgPool2dBackward,
  adaptiveAvgPool3d,
  adaptiveAvgPool3dBackward,
  adaptiveMaxPool2d,
  globalAvgPool2d,
  globalAvgPool2dBackward,
  fractionalMaxPool2d,
  maxUnpool,
  maxUnpoolBackward,
};
