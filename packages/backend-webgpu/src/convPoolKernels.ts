// ConvPoolKernels: the convolution and 2-d pooling kernels' entry points with the CPU Backend's
// method names, argument order and meaning (packages/tensor/src/backend/ConvKernels.ts and
// PoolKernels.ts), on GPU buffers: a Float32Array there is a GPUBuffer of float32 elements here,
// and the epilogue output of conv2dBackward is a buffer too. Every call only enqueues work.
import type { Conv2dGeometry, Epilogue, Pool2dGeometry } from '@tapegrad/tensor';
import type { KernelRunner } from './runner.js';
import { conv2d } from './kernels/convForward.js';
import { conv2dBackward, type GpuEpilogueOutput } from './kernels/convBackward.js';
import { adaptiveAvgPool2d, avgPool2d, globalAvgPool2d, maxPool2d } from './kernels/pool.js';
import { adaptiveAvgPool2dBackward, avgPool2dBackward, globalAvgPool2dBackward, maxPool2dBackward, maxPoolBackward } from './kernels/poolBackward.js';

export type { GpuEpilogueOutput } from './kernels/convBackward.js';

export class ConvPoolKernels {
  readonly runner: KernelRunner;

  constructor(runner: KernelRunner) {
    this.runner = runner;
  }

  /** out (N, O, Ho, Wo) = epilogue(conv(x (N, C, H, W), w (O, C/groups, kH, kW)) + bias (O) when given). */
  conv2d(x: GPUBuffer, w: GPUBuffer, bias: GPUBuffer | null, g: Conv2dGeometry, out: GPUBuffer, epilogue: Epilogue = 'none'): void {
    conv2d(this.runner, x, w, bias, g, out, epilogue);
  }
  /** gradInput (needs w), gradWeight (needs x), gradBias: each non-null one overwritten; the epilogue's backward first. */
  conv2dBackward(gradOut: GPUBuffer, x: GPUBuffer | null, w: GPUBuffer | null, g: Conv2dGeometry,
    gradInput: GPUBuffer | null, gradWeight: GPUBuffer | null, gradBias: GPUBuffer | null,
    epilogue: GpuEpilogueOutput | null = null): void {
    conv2dBackward(this.runner, gradOut, x, w, g, gradInput, gradWeight, gradBias, epilogue);
  }
  /** Max pooling: out and argmax (float32 indices flat within the input plane), overwritten. */
  maxPool2d(x: GPUBuffer, g: Pool2dGeometry, out: GPUBuffer, argmax: GPUBuffer): void {
    maxPool2d(this.runner, x, g, out, argmax);
  }
  /** out[p, argmax[p, o]] += gOut[p, o] (any max-type pooling; scans each plane's indices). */
  maxPoolBackward(gOut: GPUBuffer, argmax: GPUBuffer, planes: number, inPlane: number, outPlane: number, out: GPUBuffer): void {
    maxPoolBackward(this.runner, gOut, argmax, planes, inPlane, outPlane, out);
  }
  /** maxPoolBackward of maxPool2d's indices with its geometry: visits only the windows over each input (not a Backend method). */
  maxPool2dBackward(gOut: GPUBuffer, argmax: GPUBuffer, g: Pool2dGeometry, out: GPUBuffer): void {
    maxPool2dBackward(this.runner, gOut, argmax, g, out);
  }
  avgPool2d(x: GPUBuffer, g: Pool2dGeometry, countIncludePad: boolean, divisorOverride: number, out: GPUBuffer): void {
    avgPool2d(this.runner, x, g, countIncludePad, divisorOverride, out);
  }
  /** Adds each window's gOut / divisor into out (zero-filled by the caller, as on the CPU). */
  avgPool2dBackward(gOut: GPUBuffer, g: Pool2dGeometry, countIncludePad: boolean, divisorOverride: number, out: GPUBuffer): void {
    avgPool2dBackward(this.runner, gOut, g, countIncludePad, divisorOverride, out);
  }
  globalAvgPool2d(x: GPUBuffer, planes: number, size: number, out: GPUBuffer): void {
    globalAvgPool2d(this.runner, x, planes, size, out);
  }
  globalAvgPool2dBackward(gOut: GPUBuffer, planes: number, size: number, out: GPUBuffer): void {
    globalAvgPool2dBackward(this.runner, gOut, planes, size, out);
  }
  adaptiveAvgPool2d(x: GPUBuffer, planes: number, inH: number, inW: number, outH: number, outW: number, out: GPUBuffer): void {
    adaptiveAvgPool2d(this.runner, x, planes, inH, inW, outH, outW, out);
  }
  /** Adds each bin's gOut / binSize into out (zero-filled by the caller, as on the CPU). */
  adaptiveAvgPool2dBackward(gOut: GPUBuffer, planes: number, inH: number, inW: number, outH: number, outW: number, out: GPUBuffer): void {
    adaptiveAvgPool2dBackward(this.runner, gOut, planes, inH, inW, outH, outW, out);
  }
}
