// The WebAssembly kernels of @tapegrad/tensor. Every kernel works on byte addresses inside the
// shared memory handed in by the host (src/), takes (part, parts) where it can be
// split over threads, and allocates nothing: scratch space comes from the host's arena.

export { gemm, gemmScratchBytes } from './gemm';

/** First byte the host may use for its arena (after this module's static data). */
export function heapBase(): usize {
  return __heap_base;
}
export { conv2d, conv2dBackward, convColsBytes, addInto, packWeights, packedWeightBytes } from './conv';
export { maxPool2d } from './pool';
export { avgPool2d, avgPool2dBackward } from './poolAvg';
export { planeMeans } from './planes';
export { maxPoolBackward } from './poolIndexed';
export { binaryRow, whereRow, reluRow, reluBackwardRow, copyRows } from './elementwise';
export { batchNormStats, batchNormForward, batchNormBackward } from './norm';
export { winogradWeights, winogradWeightGrad, winogradForward, winogradBackward, winogradWorkBytes } from './winograd';
export { fillMask } from './random';
