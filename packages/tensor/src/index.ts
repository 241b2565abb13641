export { Tensor, resolveReshape } from './Tensor.js';
export { tensor, zeros, ones, full, scalar, arange, rand, randn } from './create.js';
export type { NestedArray, RandomOptions } from './create.js';
export { Generator, manualSeed, defaultGenerator } from './random/Generator.js';
export { maskBits } from './random/mask.js';
export type { GeneratorState } from './random/Generator.js';
export { kernels } from './kernels/index.js';
export { formatTensor } from './format/formatTensor.js';
export { describeValue } from './describeValue.js';
export { compare, operandTensor } from './methods/compare.js';
export type { CompareOp, TensorOperand } from './methods/compare.js';
export type { ReduceDims } from './methods/reduce.js';
export { indexedDim, indexedShape, resolveIndices } from './methods/indexing.js';
export type { Indices } from './methods/indexing.js';
export { setBackend, getBackend, resetBackend, recordAllocations, type AllocationRecord } from './backend/registry.js';
export {
  registerOwner, unregisterOwner, markResident, markHost, markReleased, markFresh, isFresh, ownerOf, hostArray, hostArrayAsync, hostArgs, liveArray,
  stepBoundary, tapeRecording, residencyActive, discardArray, type ResidencyOwner,
} from './backend/residency.js';
export { recyclePass, recycle, takeRecycled, recycledBytes } from './backend/recycle.js';
export { cpuBackend } from './backend/cpu/index.js';
export type { Backend, PartialBackend } from './backend/Backend.js';
export type { CoreKernels, UnaryOp, BinaryOp, ReduceOp, StridedArray } from './backend/CoreKernels.js';
export type { ConvKernels } from './backend/ConvKernels.js';
export type { Epilogue, EpilogueOutput } from './backend/Epilogue.js';
export type { TensorEpilogue } from './kernels/conv.js';
export type { PoolKernels } from './backend/PoolKernels.js';
export type { NormKernels } from './backend/NormKernels.js';
export type { OptimKernels, SgdUpdateOptions, AdamUpdateOptions, RmspropUpdateOptions } from './backend/OptimKernels.js';
export { numel, contiguousStrides, shapesEqual, broadcastShapes } from './shape.js';
export {
  fail, formatShape, isInt, expectPositiveInt, expectNonNegativeInt, expectFinite, expectShape, normalizeDim, normalizeDims,
} from './validate.js';
export type { Pool2dGeometry, Pool3dGeometry } from './backend/PoolKernels.js';
export type { Pool2dParams, Pool3dParams, PoolWithIndices } from './kernels/pool.js';
export type { Conv2dGeometry } from './backend/ConvKernels.js';
export { convOutputSpan } from './backend/ConvKernels.js';
export type { ResampleKernels, ResampleGeometry } from './backend/ResampleKernels.js';
export type { ResampleMode } from './kernels/resample.js';
