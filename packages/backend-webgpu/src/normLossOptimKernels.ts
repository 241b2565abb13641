// NormLossOptimKernels: what a training step needs beyond the core kernels, on GPU buffers: batch
// norm with the CPU Backend's method names and argument order (packages/tensor/src/backend/
// NormKernels.ts; Float32Array becomes GPUBuffer, EpilogueOutput becomes GpuEpilogueOutput),
// the index-target cross-entropy between log-softmax and the reduction, and in-place optimiser
// steps. Every call only enqueues work on the runner's device.
import type { Epilogue } from '@tapegrad/tensor';
import type { KernelRunner } from './runner.js';
import { batchNormBackward, batchNormForward, batchNormStats, type GpuEpilogueOutput } from './kernels/norm.js';
import { crossEntropyBackward, crossEntropyForward, type CrossEntropyOptions, type LossReduction } from './kernels/loss.js';
import { adamUpdate, rmspropUpdate, sgdUpdate, type AdamParams, type RmspropParams, type SgdParams } from './kernels/optim.js';

export { batchNormBackward, batchNormForward, batchNormStats, crossEntropyBackward, crossEntropyForward, adamUpdate, rmspropUpdate, sgdUpdate };
export type { GpuEpilogueOutput, CrossEntropyOptions, LossReduction, AdamParams, RmspropParams, SgdParams };

export class NormLossOptimKernels {
  readonly runner: KernelRunner;

  constructor(runner: KernelRunner) {
    this.runner = runner;
  }

  batchNormStats(x: GPUBuffer, N: number, C: number, S: number, mean: GPUBuffer, variance: GPUBuffer): void {
    batchNormStats(this.runner, x, N, C, S, mean, variance);
  }
  /** The batch's statistics, then the forward with them (NormKernels.batchNormTrain): two kernels, one call. */
  batchNormTrain(x: GPUBuffer, N: number, C: number, S: number, eps: number, weight: GPUBuffer | null, bias: GPUBuffer | null,
    mean: GPUBuffer, variance: GPUBuffer, out: GPUBuffer, epilogue: Epilogue = 'none'): void {
    batchNormStats(this.runner, x, N, C, S, mean, variance);
    batchNormForward(this.runner, x, N, C, S, mean, variance, eps, weight, bias, out, epilogue);
  }
  batchNormForward(x: GPUBuffer, N: number, C: number, S: number, mean: GPUBuffer, variance: GPUBuffer, eps: number,
    weight: GPUBuffer | null, bias: GPUBuffer | null, out: GPUBuffer, epilogue: Epilogue = 'none'): void {
    batchNormForward(this.runner, x, N, C, S, mean, variance, eps, weight, bias, out, epilogue);
  }
  batchNormBackward(gradOut: GPUBuffer, x: GPUBuffer, N: number, C: number, S: number,
    mean: GPUBuffer, variance: GPUBuffer, eps: number, weight: GPUBuffer | null, _bias: GPUBuffer | null, batchStats: boolean,
    gradInput: GPUBuffer | null, gradWeight: GPUBuffer | null, gradBias: GPUBuffer | null, epilogue: GpuEpilogueOutput | null = null): void {
    // the epilogue's mask comes from epilogue.out here; `bias` (the Backend's argument) is not needed
    batchNormBackward(this.runner, gradOut, x, N, C, S, mean, variance, eps, weight, batchStats, gradInput, gradWeight, gradBias, epilogue);
  }

  /** Per-row loss and picked weight of log-probabilities (outer, C, inner) against float32 class indices (outer, inner). */
  crossEntropyForward(logp: GPUBuffer, target: GPUBuffer, weight: GPUBuffer | null, outer: number, C: number, inner: number,
    opts: CrossEntropyOptions, loss: GPUBuffer, rowWeight: GPUBuffer): void {
    crossEntropyForward(this.runner, logp, target, weight, outer, C, inner, opts, loss, rowWeight);
  }
  /** The loss's gradient with respect to the log-probabilities, after `reduction`. */
  crossEntropyBackward(target: GPUBuffer, weight: GPUBuffer | null, outer: number, C: number, inner: number,
    opts: CrossEntropyOptions, reduction: LossReduction, gLoss: GPUBuffer, denom: GPUBuffer | null, gradLogp: GPUBuffer): void {
    crossEntropyBackward(this.runner, target, weight, outer, C, inner, opts, reduction, gLoss, denom, gradLogp);
  }

  sgdUpdate(param: GPUBuffer, grad: GPUBuffer, momentumBuffer: GPUBuffer | null, n: number, opts: SgdParams, first: boolean): void {
    sgdUpdate(this.runner, param, grad, momentumBuffer, n, opts, first);
  }
  adamUpdate(param: GPUBuffer, grad: GPUBuffer, expAvg: GPUBuffer, expAvgSq: GPUBuffer, maxExpAvgSq: GPUBuffer | null,
    n: number, opts: AdamParams, step: number): void {
    adamUpdate(this.runner, param, grad, expAvg, expAvgSq, maxExpAvgSq, n, opts, step);
  }
  rmspropUpdate(param: GPUBuffer, grad: GPUBuffer, squareAvg: GPUBuffer, gradAvg: GPUBuffer | null, momentumBuffer: GPUBuffer | null,
    n: number, opts: RmspropParams): void {
    rmspropUpdate(this.runner, param, grad, squareAvg, gradAvg, momentumBuffer, n, opts);
  }
}
