import type { ConvKernels, Conv2dGeometry } from '../ConvKernels.js';
import { gemm } from './gemm.js';
import { resampleKernels } from './resample.js';
import type { Epilogue, EpilogueOutput } from '../Epilogue.js';
import { applyEpilogue, undoEpilogue } from './epilogue.js';

/**
 * Convolution lowered to matrix multiply: per sample and group, the input patches are unfolded
 * (im2col) into cols (Cg*kH*kW, Ho*Wo) and multiplied with the weight (Og, Cg*kH*kW) by the
 * CPU `gemm` (the reference backend depends on nothing else; a faster backend brings its own convolution). A 1x1 convolution with
 * stride 1 and no padding needs no unfolding: the input plane block is already that matrix.
 */

/** True when the input (Cg, H*W) block of a sample is the cols matrix itself. */
function isPointwise(g: Conv2dGeometry): boolean {
  return g.kH === 1 && g.kW === 1 && g.strideH === 1 && g.strideW === 1 && g.padH === 0 && g.padW === 0 &&
    g.Ho === g.H && g.Wo === g.W;
}

/** First and one-past-last output index whose input index o*stride - pad + k*dilation lies in [0, size). */
function validRange(k: number, dilation: number, stride: number, pad: number, size: number, outSize: number): [number, number] {
  const shift = k * dilation - pad; // input index = o * stride + shift
  const lo = shift >= 0 ? 0 : Math.ceil(-shift / stride);
  const hi = Math.min(outSize, Math.floor((size - 1 - shift) / stride) + 1);
  return [Math.min(lo, outSize), Math.max(hi, 0)];
}

/**
 * cols[(c*kH + kh)*kW + kw, oh*Wo + ow] = x[c0 + c, oh*sH - pH + kh*dH, ow*sW - pW + kw*dW], 0 outside.
 * `xOff` points at channel c0 of the sample.
 */
function im2col(x: Float32Array, xOff: number, Cg: number, g: Conv2dGeometry, cols: Float32Array): void {
  const { H, W, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, Ho, Wo } = g;
  const HW = H * W, L = Ho * Wo;
  let row = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = xOff + c * HW;
    for (let kh = 0; kh < kH; kh++) {
      const [ohLo, ohHi] = validRange(kh, dilationH, strideH, padH, H, Ho);
      for (let kw = 0; kw < kW; kw++, row++) {
        const [owLo, owHi] = validRange(kw, dilationW, strideW, padW, W, Wo);
        const base = row * L;
        cols.fill(0, base, base + ohLo * Wo);
        for (let oh = ohLo; oh < ohHi; oh++) {
          const dst = base + oh * Wo;
          const src = plane + (oh * strideH - padH + kh * dilationH) * W - padW + kw * dilationW;
          for (let ow = 0; ow < owLo; ow++) cols[dst + ow] = 0;
          if (strideW === 1) for (let ow = owLo; ow < owHi; ow++) cols[dst + ow] = x[src + ow]!;
          else for (let ow = owLo; ow < owHi; ow++) cols[dst + ow] = x[src + ow * strideW]!;
          for (let ow = owHi; ow < Wo; ow++) cols[dst + ow] = 0;
        }
        cols.fill(0, base + ohHi * Wo, base + L);
      }
    }
  }
}

/** The adjoint of im2col: gradInput[c0 + c, ih, iw] += cols[row, oh*Wo + ow] over every patch touching it. */
function col2im(cols: Float32Array, Cg: number, g: Conv2dGeometry, gx: Float32Array, gxOff: number): void {
  const { H, W, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, Ho, Wo } = g;
  const HW = H * W, L = Ho * Wo;
  let row = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = gxOff + c * HW;
    for (let kh = 0; kh < kH; kh++) {
      const [ohLo, ohHi] = validRange(kh, dilationH, strideH, padH, H, Ho);
      for (let kw = 0; kw < kW; kw++, row++) {
        const [owLo, owHi] = validRange(kw, dilationW, strideW, padW, W, Wo);
        const base = row * L;
        for (let oh = ohLo; oh < ohHi; oh++) {
          const src = base + oh * Wo;
          const dst = plane + (oh * strideH - padH + kh * dilationH) * W - padW + kw * dilationW;
          for (let ow = owLo; ow < owHi; ow++) gx[dst + ow * strideW] += cols[src + ow]!;
        }
      }
    }
  }
}

function conv2d(x: Float32Array, w: Float32Array, bias: Float32Array | null, g: Conv2dGeometry, out: Float32Array, epilogue: Epilogue = 'none'): void {
  const { N, C, H, W, O, kH, kW, groups, Ho, Wo, outSampleStride: S } = g;
  const Cg = C / groups, Og = O / groups, K = Cg * kH * kW, L = Ho * Wo;
  const direct = isPointwise(g);
  const cols = direct ? x : new Float32Array(K * L);
  for (let n = 0; n < N; n++) {
    for (let gi = 0; gi < groups; gi++) {
      const xOff = (n * C + gi * Cg) * H * W;
      if (!direct) im2col(x, xOff, Cg, g, cols);
      const outOff = n * S + gi * Og * L;
      gemm(Og, L, K, w, gi * Og * K, K, 1, cols, direct ? xOff : 0, L, 1, out, outOff, L, false);
      if (bias) {
        for (let o = 0; o < Og; o++) {
          const b = bias[gi * Og + o]!, base = outOff + o * L;
          for (let p = 0; p < L; p++) out[base + p] += b;
        }
      }
    }
  }
  applyEpilogue(epilogue, out, O * L, N, S);
}

/** gradOut's samples `S` elements apart. */
function conv2dBackwardInput(gradOut: Float32Array, S: number, w: Float32Array, g: Conv2dGeometry, gradInput: Float32Array): void {
  const { N, C, H, W, O, kH, kW, groups, Ho, Wo } = g;
  const Cg = C / groups, Og = O / groups, K = Cg * kH * kW, L = Ho * Wo;
  const direct = isPointwise(g);
  // wT[gi] = (weight of group gi)^T, (K, Og): transposed once so gemm reads unit-stride rows.
  const wT = new Float32Array(O * K);
  for (let gi = 0; gi < groups; gi++) {
    const base = gi * Og * K;
    for (let o = 0; o < Og; o++) for (let k = 0; k < K; k++) wT[base + k * Og + o] = w[base + o * K + k]!;
  }
  const cols = direct ? null : new Float32Array(K * L);
  if (!direct) gradInput.fill(0);
  for (let n = 0; n < N; n++) {
    for (let gi = 0; gi < groups; gi++) {
      const gOff = n * S + gi * Og * L, xOff = (n * C + gi * Cg) * H * W;
      if (cols === null) {
        gemm(Cg, L, Og, wT, gi * Og * K, Og, 1, gradOut, gOff, L, 1, gradInput, xOff, L, false);
      } else {
        gemm(K, L, Og, wT, gi * Og * K, Og, 1, gradOut, gOff, L, 1, cols, 0, L, false);
        col2im(cols, Cg, g, gradInput, xOff);
      }
    }
  }
}

function conv2dBackwardWeight(gradOut: Float32Array, S: number, x: Float32Array, g: Conv2dGeometry, gradWeight: Float32Array): void {
  const { N, C, H, W, O, kH, kW, groups, Ho, Wo } = g;
  const Cg = C / groups, Og = O / groups, K = Cg * kH * kW, L = Ho * Wo;
  const direct = isPointwise(g);
  const cols = direct ? x : new Float32Array(K * L);
  gradWeight.fill(0);
  for (let n = 0; n < N; n++) {
    for (let gi = 0; gi < groups; gi++) {
      const xOff = (n * C + gi * Cg) * H * W;
      if (!direct) im2col(x, xOff, Cg, g, cols);
      // gradW[gi] (Og, K) += gradOut (Og, L) @ cols^T (L, K)
      gemm(Og, K, L, gradOut, n * S + gi * Og * L, L, 1, cols, direct ? xOff : 0, 1, L, gradWeight, gi * Og * K, K, true);
    }
  }
}

function conv2dBackwardBias(gradOut: Float32Array, S: number, g: Conv2dGeometry, gradBias: Float32Array): void {
  const { N, O, Ho, Wo } = g;
  const L = Ho * Wo;
  for (let o = 0; o < O; o++) {
    let s = 0;
    for (let n = 0; n < N; n++) {
      const base = n * S + o * L;
      for (let p = 0; p < L; p++) s += gradOut[base + p]!;
    }
    gradBias[o] = s;
  }
}

/** The three backward passes one after the other. */
function conv2dBackward(gradOut: Float32Array, x: Float32Array | null, w: Float32Array | null, g: Conv2dGeometry,
  gradInput: Float32Array | null, gradWeight: Float32Array | null, gradBias: Float32Array | null,
  epilogue: EpilogueOutput | null = null): void {
  // masked by the epilogue's backward, gradOut is a new contiguous array
  const per = g.O * g.Ho * g.Wo, S = epilogue === null ? g.outSampleStride : per;
  gradOut = undoEpilogue(epilogue, gradOut, per, g.N, g.outSampleStride);
  if (gradInput !== null) conv2dBackwardInput(gradOut, S, w!, g, gradInput);
  if (gradWeight !== null) conv2dBackwardWeight(gradOut, S, x!, g, gradWeight);
  if (gradBias !== null) conv2dBackwardBias(gradOut, S, g, gradBias);
}

export const convKernels: ConvKernels = {
  conv2d,
  conv2dBackward,
  ...resampleKernels,
};
