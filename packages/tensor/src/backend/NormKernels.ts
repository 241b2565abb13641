import type { Epilogue, EpilogueOutput } from './Epilogue.js';

/**
 * Normalisation kernels over contiguous x viewed as (N, C, S) (S = product of the spatial dims),
 * statistics per channel C. `weight`/`bias` of null mean 1 and 0 (no affine transform).
 */
export interface NormKernels {
  /**
   * Training mode in one call: the batch's per-channel mean and biased variance of x (float64
   * sums) written to `mean` and `variance`, then batchNormForward with them, so a backend that
   * copies x somewhere reads it once for both.
   */
  batchNormTrain(x: Float32Array, N: number, C: number, S: number, eps: number, weight: Float32Array | null,
    bias: Float32Array | null, mean: Float32Array, variance: Float32Array, out: Float32Array, epilogue?: Epilogue): void;
  /**
   * out = epilogue((x - mean[c]) / sqrt(variance[c] + eps) * weight[c] + bias[c]): the activation
   * that follows the batch norm in the same pass ('none' by default).
   */
  batchNormForward(x: Float32Array, N: number, C: number, S: number, mean: Float32Array, variance: Float32Array, eps: number,
    weight: Float32Array | null, bias: Float32Array | null, out: Float32Array, epilogue?: Epilogue): void;
  /**
   * Gradients of batchNormForward. With `batchStats` the mean and variance are the batch's own
   * (their dependence on x enters gradInput); otherwise they are constants (running statistics).
   * gradWeight = sum(g * xhat), gradBias = sum(g) per channel; a null output is skipped. With
   * `epilogue` (batchNormForward ran with one), gradOut is the gradient of the epilogue's output and
   * goes through the epilogue's backward first; gradOut is not modified. `weight` and `bias` are the
   * forward's: a backend may recompute the forward's output from x with them instead of reading
   * `epilogue.out` (the wasm backend does, so the output need not travel).
   */
  batchNormBackward(gradOut: Float32Array, x: Float32Array, N: number, C: number, S: number,
    mean: Float32Array, variance: Float32Array, eps: number, weight: Float32Array | null, bias: Float32Array | null, batchStats: boolean,
    gradInput: Float32Array | null, gradWeight: Float32Array | null, gradBias: Float32Array | null, epilogue?: EpilogueOutput | null): void;
}
