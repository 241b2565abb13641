/**
 * Pooling kernels (forward and backward). Every kernel walks `planes` independent spatial planes
 * (N * C of them) stored back to back in contiguous arrays. A kernel that computes each output
 * element on its own (every forward but maxUnpool's; globalAvgPool2dBackward, maxUnpoolBackward)
 * writes all of `out` (and `argmax`), which the caller allocates unfilled (via `empty`); one that
 * scatters into its output (maxUnpool, the other backwards) gets it zero-filled (via `alloc`).
 * Indices (`argmax`) are float32 integers, flat within one input plane (PyTorch's convention). 1-d
 * pooling is 2-d pooling with a height of 1.
 */

/** A 2-d pooling window geometry, every entry a plain integer (stride >= 1, dilation >= 1). */
export interface Pool2dGeometry {
  readonly planes: number;
  readonly inH: number;
  readonly inW: number;
  readonly outH: number;
  readonly outW: number;
  readonly kH: number;
  readonly kW: number;
  readonly sH: number;
  readonly sW: number;
  readonly pH: number;
  readonly pW: number;
  readonly dH: number;
  readonly dW: number;
}

/** A 3-d pooling window geometry (depth, height, width). */
export interface Pool3dGeometry extends Pool2dGeometry {
  readonly inD: number;
  readonly outD: number;
  readonly kD: number;
  readonly sD: number;
  readonly pD: number;
  readonly dD: number;
}

export interface PoolKernels {
  /**
   * Max pooling: out[p, oh, ow] = max over the dilated window, argmax its flat index in the plane.
   * Padding acts as -inf; the first maximum in row-major window order wins ties; a NaN wins (the
   * last NaN's index), as PyTorch.
   */
  maxPool2d(x: Float32Array, g: Pool2dGeometry, out: Float32Array, argmax: Float32Array): void;
  /** Max pooling over (D, H, W) windows; indices flat within the D*H*W volume. */
  maxPool3d(x: Float32Array, g: Pool3dGeometry, out: Float32Array, argmax: Float32Array): void;
  /**
   * Backward of every max-type pooling (1-d/2-d/3-d, adaptive, fractional): out[p, i] = the sum of
   * gOut[p, o] over the o with argmax[p, o] = i, in increasing o (0 where none); `out` is
   * overwritten. `inPlane`, `outPlane` are the element counts of one plane.
   */
  maxPoolBackward(gOut: Float32Array, argmax: Float32Array, planes: number, inPlane: number, outPlane: number, out: Float32Array): void;
  /**
   * Average pooling. The divisor is `divisorOverride` when > 0, else the window clipped to the
   * padded input [-p, L + p) when `countIncludePad`, else the count of in-input elements.
   * Windows without input elements give 0. Dilation entries of `g` are ignored (always 1).
   */
  avgPool2d(x: Float32Array, g: Pool2dGeometry, countIncludePad: boolean, divisorOverride: number, out: Float32Array): void;
  /** Backward of avgPool2d: spreads gOut / divisor over each window; `out` is overwritten (0 where no window reaches). */
  avgPool2dBackward(gOut: Float32Array, g: Pool2dGeometry, countIncludePad: boolean, divisorOverride: number, out: Float32Array): void;
  /** Average pooling over (D, H, W) windows, divisor rules as avgPool2d. */
  avgPool3d(x: Float32Array, g: Pool3dGeometry, countIncludePad: boolean, divisorOverride: number, out: Float32Array): void;
  /** Backward of avgPool3d. */
  avgPool3dBackward(gOut: Float32Array, g: Pool3dGeometry, countIncludePad: boolean, divisorOverride: number, out: Float32Array): void;
  /** Adaptive average pooling: bin i of an axis covers [floor(i*L/out), ceil((i+1)*L/out)). */
  adaptiveAvgPool2d(x: Float32Array, planes: number, inH: number, inW: number, outH: number, outW: number, out: Float32Array): void;
  /** Backward of adaptiveAvgPool2d: spreads gOut / binSize over each bin. */
  adaptiveAvgPool2dBackward(gOut: Float32Array, planes: number, inH: number, inW: number, outH: number, outW: number, out: Float32Array): void;
  /** Adaptive average pooling over (D, H, W) bins. */
  adaptiveAvgPool3d(x: Float32Array, planes: number, inD: number, inH: number, inW: number, outD: number, outH: number, outW: number, out: Float32Array): void;
  /** Backward of adaptiveAvgPool3d. */
  adaptiveAvgPool3dBackward(gOut: Float32Array, planes: number, inD: number, inH: number, inW: number, outD: number, outH: number, outW: number, out: Float32Array): void;
  /** Adaptive max pooling over the bins of adaptiveAvgPool2d, with argmax (tie and NaN rules of maxPool2d). */
  adaptiveMaxPool2d(x: Float32Array, planes: number, inH: number, inW: number, outH: number, outW: number, out: Float32Array, argmax: Float32Array): void;
  /** Global average pooling: out[p] = mean of plane p (`size` elements), summed in float64. */
  globalAvgPool2d(x: Float32Array, planes: number, size: number, out: Float32Array): void;
  /** Backward of globalAvgPool2d: out[p, i] = gOut[p] / size. */
  globalAvgPool2dBackward(gOut: Float32Array, planes: number, size: number, out: Float32Array): void;
  /**
   * Fractional max pooling with precomputed window starts: window (oh, ow) of plane p covers rows
   * startsH[p*outH + oh] .. + kH - 1 and columns startsW[p*outW + ow] .. + kW - 1.
   */
  fractionalMaxPool2d(x: Float32Array, planes: number, inH: number, inW: number, outH: number, outW: number,
    kH: number, kW: number, startsH: Int32Array, startsW: Int32Array, out: Float32Array, argmax: Float32Array): void;
  /**
   * Max unpooling: out[p, indices[p, i]] = x[p, i] (a later write wins on repeats). Indices must be
   * in [0, outPlane); the caller checks them.
   */
  maxUnpool(x: Float32Array, indices: Float32Array, planes: number, inPlane: number, outPlane: number, out: Float32Array): void;
  /** Backward of maxUnpool: out[p, i] = gOut[p, indices[p, i]]. */
  maxUnpoolBackward(gOut: Float32Array, indices: Float32Array, planes: number, inPlane: number, outPlane: number, out: Float32Array): void;
}
