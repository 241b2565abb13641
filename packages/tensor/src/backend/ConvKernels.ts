import type { ResampleKernels } from './ResampleKernels.js';
import type { Epilogue, EpilogueOutput } from './Epilogue.js';

/**
 * The geometry of one 2-d convolution, every number resolved: input (N, C, H, W), weight
 * (O, C / groups, kH, kW), output (N, O, Ho, Wo). `padH`/`padW` are the top/left padding; the
 * bottom/right padding is implied by Ho/Wo (it may be one more than the top/left one, as for
 * PyTorch's 'same' with an even kernel).
 *
 * `outSampleStride` is the elements from one sample's output to the next's, in the output and, for
 * the backward, in gradOut and the epilogue's output: O * Ho * Wo for an output of its own (the
 * contiguous (N, O, Ho, Wo) array); more when the output is a channel range of a larger
 * (N, Ot, Ho, Wo) tensor (a part of a concatenation, written in place), Ot * Ho * Wo. Each sample's
 * O * Ho * Wo elements stay contiguous; the elements between two samples are neither read nor
 * written. Only a backend that says `placesConvOutput` gets a larger one.
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
  readonly outSampleStride: number;
}

/**
 * The elements an (N, O, Ho, Wo) output spans with its samples `stride` apart (by default
 * `outSampleStride`; the same for gradOut and the epilogue's output): from the first sample's first
 * element to the last sample's last.
 */
export function convOutputSpan(g: Conv2dGeometry, stride = g.outSampleStride): number {
  return g.N === 0 ? 0 : (g.N - 1) * stride + g.O * g.Ho * g.Wo;
}

/**
 * Convolution kernels (forward and backward) over contiguous row-major buffers that
 * start at index 0. Spatial resampling (interpolation) kernels live in the same domain.
 */
export interface ConvKernels extends ResampleKernels {
  /**
   * out (N, O, Ho, Wo) = epilogue(conv(x (N, C, H, W), w (O, C/groups, kH, kW)) + bias (O) when
   * given): the activation that follows the convolution in the same pass ('none' by default).
   */
  conv2d(x: Float32Array, w: Float32Array, bias: Float32Array | null, g: Conv2dGeometry, out: Float32Array, epilogue?: Epilogue): void;
  /**
   * The backward passes of conv2d in one call (a backend reads gradOut once): gradInput (N, C, H, W),
   * gradWeight (O, C/groups, kH, kW) and gradBias (O, the sum of gradOut over N, Ho, Wo); each
   * non-null output is overwritten, a null one is not computed; `w` is needed for gradInput, `x` for
   * gradWeight.
   * With `epilogue` (conv2d ran with one), gradOut is the gradient of the epilogue's output and goes
   * through the epilogue's backward first; gradOut is not modified.
   */
  conv2dBackward(gradOut: Float32Array, x: Float32Array | null, w: Float32Array | null, g: Conv2dGeometry,
    gradInput: Float32Array | null, gradWeight: Float32Array | null, gradBias: Float32Array | null,
    epilogue?: EpilogueOutput | null): void;
}
