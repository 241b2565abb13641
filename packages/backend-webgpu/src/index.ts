// @tapegrad/backend-webgpu: device acquisition, the kernel runner and the WGSL kernels.
/// <reference types="@webgpu/types" preserve="true" />
// (the reference makes the GPU types global for consumers of the emitted .d.ts files)
export { acquireDevice, adapterInfo } from './device.js';
export type { AcquireOptions, AdapterDescription, WebGpuDevice } from './device.js';
export { KernelRunner, BufferUsage } from './runner.js';
export type { KernelSpec, DispatchArgs } from './runner.js';
export { WG, paramsDecl, pf, pi, storage, SPECIALS, main1d } from './wgsl.js';
export { coalesce, numel, stridedAddressing, stridedInts } from './layout.js';
export type { GpuStrided } from './layout.js';
export { WebGpuKernels, createWebGpuKernels } from './kernels.js';
export { useWebGpuBackend, useWebGpuBackendAsync, bridgedKernels } from '#bridge';
export type { WebGpuBackendHandle, WebGpuBackendOptions } from '#bridge';
export {
  NormLossOptimKernels, batchNormStats, batchNormForward, batchNormBackward, crossEntropyForward, crossEntropyBackward,
  sgdUpdate, adamUpdate, rmspropUpdate,
} from './normLossOptimKernels.js';
export type {
  GpuEpilogueOutput, CrossEntropyOptions as GpuCrossEntropyOptions, LossReduction, SgdParams, AdamParams, RmspropParams,
} from './normLossOptimKernels.js';
export { ConvPoolKernels } from './convPoolKernels.js';
