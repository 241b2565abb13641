/**
 * The geometry of a 2-d resampling: input (P, H, W) planes (P = N * C) to output (P, Ho, Wo).
 * `scaleH`/`scaleW` are the source-per-destination factors PyTorch derives (in/out, or
 * 1/scaleFactor when a scale factor was given); `alignCorners` applies to bilinear only.
 */
export interface ResampleGeometry {
  readonly P: number;
  readonly H: number;
  readonly W: number;
  readonly Ho: number;
  readonly Wo: number;
  readonly scaleH: number;
  readonly scaleW: number;
  readonly alignCorners: boolean;
}

/** Upsampling / downsampling by interpolation, forward and backward, over contiguous buffers. */
export interface ResampleKernels {
  /** out (P, Ho, Wo) from x (P, H, W) with PyTorch 1.13's nearest index rule. */
  upsampleNearest2d(x: Float32Array, g: ResampleGeometry, out: Float32Array): void;
  /** gradInput (P, H, W), overwritten, from gradOut (P, Ho, Wo). */
  upsampleNearest2dBackward(gradOut: Float32Array, g: ResampleGeometry, gradInput: Float32Array): void;
  /** out (P, Ho, Wo) from x (P, H, W), bilinear (align corners or half-pixel centres). */
  upsampleBilinear2d(x: Float32Array, g: ResampleGeometry, out: Float32Array): void;
  /** gradInput (P, H, W), overwritten, from gradOut (P, Ho, Wo). */
  upsampleBilinear2dBackward(gradOut: Float32Array, g: ResampleGeometry, gradInput: Float32Array): void;
}
