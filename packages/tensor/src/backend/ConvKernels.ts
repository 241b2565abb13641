import type { ResampleKernels } from './ResampleKernels.js';

/**
 * The geometry of one 2-d convolution, every number resolved: input (N, C, H, W), weight
 * (O, C / groups, kH, kW), output (N, O, Ho, Wo). `padH`/`padW` are the top/left padding; the
 * bottom/right padding is implied by Ho/Wo (it may be one more than the top/left one, as for
 * PyTorch's 'same' with an even kernel).
 */
export interface Conv2dGeometry {
  readonly N: number;
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly O: number;
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly groups: number;
  readonly Ho: number;
  readonly Wo: number;
}

/**
 * Convolution kernels (forward and both backward passes) over contiguous row-major buffers that
 * start at index 0. Spatial resampling (interpolation) kernels live in the same domain.
 */
export interface ConvKernels extends ResampleKernels {
  /**
   * out (N, O, Ho, Wo) = conv(x (N, C, H, W), w (O, C/groups, kH, kW)) + bias (O) when given; with
   * `relu`, max(out, 0) (NaN kept) in the same pass (a convolution followed by a ReLU).
   */
  conv2d(x: Float32Array, w: Float32Array, bias: Float32Array | null, g: Conv2dGeometry, out: Float32Array, relu?: boolean): void;
  /** gradInput (N, C, H, W) from gradOut (N, O, Ho, Wo) and the weight. Overwrites gradInput. */
  conv2dBackwardInput(gradOut: Float32Array, w: Float32Array, g: Conv2dGeometry, gradInput: Float32Array): void;
  /** gradWeight (O, C/groups, kH, kW) from gradOut and the input. Overwrites gradWeight. */
  conv2dBackwardWeight(gradOut: Float32Array, x: Float32Array, g: Conv2dGeometry, gradWeight: Float32Array): void;
  /** gradBias (O) = sum of gradOut over N, Ho, Wo. Overwrites gradBias. */
  conv2dBackwardBias(gradOut: Float32Array, g: Conv2dGeometry, gradBias: Float32Array): void;
  /**
   * The three backward passes in one call (a backend can then read gradOut once): each non-null
   * output is overwritten as by its own kernel; `w` is needed for gradInput, `x` for gradWeight.
   * With `reluOut` (the output of conv2d with `relu`), gradOut is the gradient of that ReLU's output
   * and is first passed through ReLU's backward (zero where reluOut <= 0); gradOut is not modified.
   */
  conv2dBackward(gradOut: Float32Array, x: Float32Array | null, w: Float32Array | null, g: Conv2dGeometry,
    gradInput: Float32Array | null, gradWeight: Float32Array | null, gradBias: Float32Array | null,
    reluOut?: Float32Array | null): void;
}
