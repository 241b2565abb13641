// WebGpuKernels: the kernels' entry points with the CPU Backend's argument order and meaning
// (packages/tensor/src/backend/CoreKernels.ts), on GPU buffers: where the CPU kernel takes a
// Float32Array this takes a GPUBuffer (float32 elements) and fills it; StridedArray becomes
// GpuStrided. Every call only enqueues work; `read` brings a buffer back.
import type { BinaryOp, ReduceOp, UnaryOp } from '@tapegrad/tensor';
import { acquireDevice, type AcquireOptions } from './device.js';
import type { GpuStrided } from './layout.js';
import { KernelRunner } from './runner.js';
import { reluBackward, unary } from './kernels/unary.js';
import { binary, copy, where } from './kernels/strided.js';
import { reduce } from './kernels/reduce.js';
import { gemm } from './kernels/gemm.js';
import { softmax, softmaxBackward } from './kernels/softmax.js';
import { argReduce } from './kernels/argReduce.js';
import { indexAdd, indexSelect } from './kernels/indexing.js';

export class WebGpuKernels {
  readonly runner: KernelRunner;
  readonly name = 'webgpu';

  constructor(runner: KernelRunner) {
    this.runner = runner;
  }

  /** A zero-filled buffer of `length` float32 elements. */
  alloc(length: number): GPUBuffer { return this.runner.alloc(length); }
  /** Same as alloc: WebGPU zero-fills every new buffer. */
  empty(length: number): GPUBuffer { return this.runner.alloc(length); }
  /** A buffer holding `data` (float32 values or int32 indices). */
  upload(data: Float32Array | Int32Array): GPUBuffer { return this.runner.upload(data); }
  /** `length` elements of a buffer (default: all), after every kernel submitted so far. */
  read(buffer: GPUBuffer, length?: number): Promise<Float32Array> { return this.runner.read(buffer, length); }
  /** Destroys the device and every buffer. */
  destroy(): void { this.runner.destroy(); }

  unary(op: UnaryOp, x: GPUBuffer, xOffset: number, n: number, out: GPUBuffer, a: number, b: number): void {
    unary(this.runner, op, x, xOffset, n, out, a, b);
  }
  reluBackward(out: GPUBuffer, outOffset: number, g: GPUBuffer, gOffset: number, n: number, gx: GPUBuffer): void {
    reluBackward(this.runner, out, outOffset, g, gOffset, n, gx);
  }
  binary(op: BinaryOp, shape: readonly number[], a: GpuStrided, b: GpuStrided, out: GPUBuffer): void {
    binary(this.runner, op, shape, a, b, out);
  }
  where(shape: readonly number[], cond: GpuStrided, a: GpuStrided, b: GpuStrided, out: GPUBuffer): void {
    where(this.runner, shape, cond, a, b, out);
  }
  copy(shape: readonly number[], x: GpuStrided, out: GpuStrided): void {
    copy(this.runner, shape, x, out);
  }
  reduce(op: ReduceOp, shape: readonly number[], x: GpuStrided, reduceDims: readonly boolean[], out: GPUBuffer): void {
    reduce(this.runner, op, shape, x, reduceDims, out);
  }
  argReduce(op: 'max' | 'min', x: GPUBuffer, outer: number, dim: number, inner: number, values: GPUBuffer, indices: GPUBuffer): void {
    argReduce(this.runner, op, x, outer, dim, inner, values, indices);
  }
  gemm(M: number, N: number, K: number,
    a: GPUBuffer, aOffset: number, aRowStride: number, aColStride: number,
    b: GPUBuffer, bOffset: number, bRowStride: number, bColStride: number,
    c: GPUBuffer, cOffset: number, cRowStride: number, accumulate: boolean): void {
    gemm(this.runner, M, N, K, a, aOffset, aRowStride, aColStride, b, bOffset, bRowStride, bColStride, c, cOffset, cRowStride, accumulate);
  }
  /** `indices`: a buffer of int32 indices (upload an Int32Array); k is its length. */
  indexSelect(x: GPUBuffer, outer: number, n: number, inner: number, indices: GPUBuffer, out: GPUBuffer): void {
    indexSelect(this.runner, x, outer, n, inner, indices, out);
  }
  indexAdd(g: GPUBuffer, outer: number, n: number, inner: number, indices: GPUBuffer, out: GPUBuffer): void {
    indexAdd(this.runner, g, outer, n, inner, indices, out);
  }
  softmax(x: GPUBuffer, outer: number, dim: number, inner: number, log: boolean, out: GPUBuffer): void {
    softmax(this.runner, x, outer, dim, inner, log, out);
  }
  softmaxBackward(y: GPUBuffer, g: GPUBuffer, outer: number, dim: number, inner: number, log: boolean, out: GPUBuffer): void {
    softmaxBackward(this.runner, y, g, outer, dim, inner, log, out);
  }
}

/** Acquires a device (acquireDevice) and wraps it in a runner and the kernels. */
export async function createWebGpuKernels(opts: AcquireOptions = {}): Promise<WebGpuKernels> {
  return new WebGpuKernels(new KernelRunner(await acquireDevice(opts)));
}
