// A slow, obviously correct direct convolution (seven nested loops, float64 sums) that the conv
// kernels are checked against.
import type { Conv2dGeometry } from '../../src/index.js';

/** Input row/column of output index o and kernel tap k, or -1 when it falls in the padding. */
function src(o: number, k: number, stride: number, pad: number, dilation: number, size: number): number {
  const i = o * stride - pad + k * dilation;
  return i >= 0 && i < size ? i : -1;
}

export function referenceConv2d(x: Float32Array, w: Float32Array, bias: Float32Array | null, g: Conv2dGeometry): Float64Array {
  const { N, C, H, W, O, kH, kW, groups, Ho, Wo } = g;
  const Cg = C / groups, Og = O / groups;
  const out = new Float64Array(N * O * Ho * Wo);
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) {
    const gi = Math.floor(o / Og);
    for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) {
      let s = bias ? bias[o]! : 0;
      for (let c = 0; c < Cg; c++) for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) {
        const ih = src(oh, kh, g.strideH, g.padH, g.dilationH, H), iw = src(ow, kw, g.strideW, g.padW, g.dilationW, W);
        if (ih < 0 || iw < 0) continue;
        s += x[((n * C + gi * Cg + c) * H + ih) * W + iw]! * w[((o * Cg + c) * kH + kh) * kW + kw]!;
      }
      out[((n * O + o) * Ho + oh) * Wo + ow] = s;
    }
  }
  return out;
}

/** Gradients of referenceConv2d for upstream gradOut: [input, weight, bias]. */
export function referenceConv2dBackward(gradOut: Float32Array, x: Float32Array, w: Float32Array, g: Conv2dGeometry): [Float64Array, Float64Array, Float64Array] {
  const { N, C, H, W, O, kH, kW, groups, Ho, Wo } = g;
  const Cg = C / groups, Og = O / groups;
  const gx = new Float64Array(N * C * H * W), gw = new Float64Array(O * Cg * kH * kW), gb = new Float64Array(O);
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) {
    const gi = Math.floor(o / Og);
    for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) {
      const go = gradOut[((n * O + o) * Ho + oh) * Wo + ow]!;
      gb[o] += go;
      for (let c = 0; c < Cg; c++) for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) {
        const ih = src(oh, kh, g.strideH, g.padH, g.dilationH, H), iw = src(ow, kw, g.strideW, g.padW, g.dilationW, W);
        if (ih < 0 || iw < 0) continue;
        const xi = ((n * C + gi * Cg + c) * H + ih) * W + iw, wi = ((o * Cg + c) * kH + kh) * kW + kw;
        gx[xi] += go * w[wi]!;
        gw[wi] += go * x[xi]!;
      }
    }
  }
  return [gx, gw, gb];
}
