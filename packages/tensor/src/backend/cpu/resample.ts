import type { ResampleKernels, ResampleGeometry } from '../ResampleKernels.js';

/**
 * Source index of each destination index for 'nearest', PyTorch 1.13's rule on its general CPU
 * path: min(floor(float32(o * scale)), in - 1), with the given scale (1 / scaleFactor when one was
 * given, else in / out), also when the output size is exactly the input size or twice it.
 *
 * NOTE: PyTorch 1.13 also has a legacy rule (`nearest_idx`: o when out == in, o >> 1 when
 * out == 2 * in) that its CPU backward always uses, and its forward only on the channels-last path
 * (which a contiguous (N, 1, H, W) input takes too). With a fractional scaleFactor whose output
 * size lands on 1x or 2x the input, that makes PyTorch's gradient differ from the gradient of its
 * own forward (scaleFactor 2.05 on 10 elements: forward reads 0, 0, 0, 1, 1, ..., backward sends
 * the gradient of outputs 0 and 1 to input 0). tapegrad uses the general rule for every input and
 * for both passes, so the backward here is the exact adjoint of the forward.
 */
function nearestIndices(inSize: number, outSize: number, scale: number): Int32Array {
  const idx = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) idx[o] = Math.min(Math.floor(Math.fround(o * scale)), inSize - 1);
  return idx;
}

/**
 * For 'bilinear': the lower source index, the step to the upper one (0 at the last row/column) and
 * the weight of the upper one, per destination index. The source coordinate is computed in
 * float32 as PyTorch's CPU kernel does: scale * o (align corners) or max(scale * (o + 0.5) - 0.5, 0).
 */
function linearIndices(inSize: number, outSize: number, scale: number, alignCorners: boolean): { i0: Int32Array; step: Int32Array; lambda: Float32Array } {
  const i0 = new Int32Array(outSize), step = new Int32Array(outSize), lambda = new Float32Array(outSize);
  const f = Math.fround;
  for (let o = 0; o < outSize; o++) {
    let src = alignCorners ? f(scale * o) : f(f(scale * f(o + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[o] = lo;
    step[o] = lo < inSize - 1 ? 1 : 0;
    lambda[o] = Math.min(Math.max(f(src - lo), 0), 1);
  }
  return { i0, step, lambda };
}

function upsampleNearest2d(x: Float32Array, g: ResampleGeometry, out: Float32Array): void {
  const { P, H, W, Ho, Wo } = g;
  const ih = nearestIndices(H, Ho, g.scaleH), iw = nearestIndices(W, Wo, g.scaleW);
  for (let p = 0; p < P; p++) {
    const src = p * H * W, dst = p * Ho * Wo;
    for (let oh = 0; oh < Ho; oh++) {
      const row = src + ih[oh]! * W, o = dst + oh * Wo;
      for (let ow = 0; ow < Wo; ow++) out[o + ow] = x[row + iw[ow]!]!;
    }
  }
}

function upsampleNearest2dBackward(gradOut: Float32Array, g: ResampleGeometry, gradInput: Float32Array): void {
  const { P, H, W, Ho, Wo } = g;
  const ih = nearestIndices(H, Ho, g.scaleH), iw = nearestIndices(W, Wo, g.scaleW);
  gradInput.fill(0);
  for (let p = 0; p < P; p++) {
    const dst = p * H * W, src = p * Ho * Wo;
    for (let oh = 0; oh < Ho; oh++) {
      const row = dst + ih[oh]! * W, o = src + oh * Wo;
      for (let ow = 0; ow < Wo; ow++) gradInput[row + iw[ow]!] += gradOut[o + ow]!;
    }
  }
}

// out[p, oh, ow] = (1-lh) * ((1-lw) x[h0, w0] + lw x[h0, w1]) + lh * ((1-lw) x[h1, w0] + lw x[h1, w1])
function upsampleBilinear2d(x: Float32Array, g: ResampleGeometry, out: Float32Array): void {
  const { P, H, W, Ho, Wo, alignCorners } = g;
  const rh = linearIndices(H, Ho, g.scaleH, alignCorners), rw = linearIndices(W, Wo, g.scaleW, alignCorners);
  for (let p = 0; p < P; p++) {
    const src = p * H * W, dst = p * Ho * Wo;
    for (let oh = 0; oh < Ho; oh++) {
      const r0 = src + rh.i0[oh]! * W, r1 = r0 + rh.step[oh]! * W;
      const lh = rh.lambda[oh]!, mh = 1 - lh;
      const o = dst + oh * Wo;
      for (let ow = 0; ow < Wo; ow++) {
        const c0 = rw.i0[ow]!, c1 = c0 + rw.step[ow]!;
        const lw = rw.lambda[ow]!, mw = 1 - lw;
        out[o + ow] = mh * (mw * x[r0 + c0]! + lw * x[r0 + c1]!) + lh * (mw * x[r1 + c0]! + lw * x[r1 + c1]!);
      }
    }
  }
}

function upsampleBilinear2dBackward(gradOut: Float32Array, g: ResampleGeometry, gradInput: Float32Array): void {
  const { P, H, W, Ho, Wo, alignCorners } = g;
  const rh = linearIndices(H, Ho, g.scaleH, alignCorners), rw = linearIndices(W, Wo, g.scaleW, alignCorners);
  gradInput.fill(0);
  for (let p = 0; p < P; p++) {
    const dst = p * H * W, src = p * Ho * Wo;
    for (let oh = 0; oh < Ho; oh++) {
      const r0 = dst + rh.i0[oh]! * W, r1 = r0 + rh.step[oh]! * W;
      const lh = rh.lambda[oh]!, mh = 1 - lh;
      const o = src + oh * Wo;
      for (let ow = 0; ow < Wo; ow++) {
        const c0 = rw.i0[ow]!, c1 = c0 + rw.step[ow]!;
        const lw = rw.lambda[ow]!, mw = 1 - lw;
        const v = gradOut[o + ow]!;
        gradInput[r0 + c0] += mh * mw * v;
        gradInput[r0 + c1] += mh * lw * v;
        gradInput[r1 + c0] += lh * mw * v;
        gradInput[r1 + c1] += lh * lw * v;
      }
    }
  }
}

export const resampleKernels: ResampleKernels = {
  upsampleNearest2d,
  upsampleNearest2dBackward,
  upsampleBilinear2d,
  upsampleBilinear2dBackward,
};
