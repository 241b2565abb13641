/**
 * Normalisation kernels over contiguous x viewed as (N, C, S) (S = product of the spatial dims),
 * statistics per channel C. `weight`/`bias` of null mean 1 and 0 (no affine transform).
 */
export interface NormKernels {
  /** Per-channel mean and biased variance (two passes, accumulated in float64). */
  batchNormStats(x: Float32Array, N: number, C: number, S: number, mean: Float32Array, variance: Float32Array): void;
  /**
   * out = (x - mean[c]) / sqrt(variance[c] + eps) * weight[c] + bias[c]; with `relu`, max(out, 0)
   * (NaN kept) in the same pass (a batch norm followed by a ReLU).
   */
  batchNormForward(x: Float32Array, N: number, C: number, S: number, mean: Float32Array, variance: Float32Array, eps: number,
    weight: Float32Array | null, bias: Float32Array | null, out: Float32Array, relu?: boolean): void;
  /**
   * Gradients of batchNormForward. With `batchStats` the mean and variance are the batch's own
   * (their dependence on x enters gradInput); otherwise they are constants (running statistics).
   * gradWeight = sum(g * xhat), gradBias = sum(g) per channel; a null output is skipped. With
   * `reluOut` (the output of batchNormForward with `relu`), gradOut is the gradient of that output
   * and ReLU's backward (zero where reluOut <= 0) comes first; gradOut is not modified.
   */
  batchNormBackward(gradOut: Float32Array, x: Float32Array, N: number, C: number, S: number,
    mean: Float32Array, variance: Float32Array, eps: number, weight: Float32Array | null, batchStats: boolean,
    gradInput: Float32Array | null, gradWeight: Float32Array | null, gradBias: Float32Array | null, reluOut?: Float32Array | null): void;
}
