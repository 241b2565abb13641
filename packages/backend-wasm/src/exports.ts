/**
 * The functions exported by the compiled AssemblyScript module (packages/backend-wasm/assembly), as the
 * host sees them: pointers are byte addresses in the shared memory, strides and sizes are elements.
 * Every kernel that can be split over threads ends with (part, parts).
 */
export interface WasmExports {
  heapBase(): number;
  gemmScratchBytes(): number;
  gemm(M: number, N: number, K: number,
    a: number, aRs: number, aCs: number, b: number, bRs: number, bCs: number,
    c: number, cRs: number, accumulate: number, scratch: number, part: number, parts: number): void;
  conv2d(geom: number, x: number, w: number, bias: number, out: number, cols: number, scratch: number, packed: number, epilogue: number,
    next: number, ready: number, part: number, parts: number): void;
  packWeights(geom: number, w: number, dst: number, transposed: number): void;
  packedWeightBytes(geom: number, transposed: number): number;
  conv2dBackward(geom: number, gOut: number, x: number, w: number, gx: number, gwBase: number, gbBase: number,
    cols: number, scratch: number, packedT: number, reluOut: number, ready: number, part: number, parts: number): void;
  convColsBytes(geom: number): number;
  addInto(dst: number, src: number, n: number): void;
  maxPool2d(geom: number, x: number, out: number, argmax: number, part: number, parts: number): void;
  maxPoolBackward(gOut: number, argmax: number, planes: number, inPlane: number, outPlane: number, out: number, part: number, parts: number): void;
  avgPool2d(geom: number, countIncludePad: number, divisorOverride: number, x: number, out: number, part: number, parts: number): void;
  avgPool2dBackward(geom: number, countIncludePad: number, divisorOverride: number, gOut: number, out: number, part: number, parts: number): void;
  binaryRow(op: number, a: number, sa: number, b: number, sb: number, out: number, n: number, part: number, parts: number): void;
  whereRow(c: number, sc: number, a: number, sa: number, b: number, sb: number, out: number, n: number, part: number, parts: number): void;
  reluRow(x: number, out: number, n: number, part: number, parts: number): void;
  reluBackwardRow(out: number, g: number, gx: number, n: number, part: number, parts: number): void;
  batchNormStats(x: number, N: number, C: number, S: number, mean: number, variance: number, part: number, parts: number): void;
  batchNormForward(x: number, N: number, C: number, S: number, mean: number, variance: number, eps: number,
    weight: number, bias: number, out: number, epilogue: number, part: number, parts: number): void;
  batchNormBackward(gradOut: number, x: number, N: number, C: number, S: number, mean: number, variance: number, eps: number,
    weight: number, batchStats: number, gradInput: number, gradWeight: number, gradBias: number, part: number, parts: number): void;
  winogradWorkBytes(geom: number): number;
  winogradWeights(geom: number, w: number, u: number, layout: number, tmp: number, part: number, parts: number): void;
  winogradWeightGrad(geom: number, du: number, count: number, gw: number, tmp: number, flag: number, part: number, parts: number): void;
  winogradForward(geom: number, x: number, u: number, bias: number, out: number, xb: number, work: number,
    epilogue: number, next: number, flag: number, part: number, parts: number): void;
  winogradBackward(geom: number, gOut: number, reluOut: number, x: number, u: number, gx: number, du: number, gb: number,
    gyb: number, xb: number, gxb: number, work: number, flag: number, part: number, parts: number): void;
}

/** The splittable kernels, by number: the thread pool posts a number, a worker looks the name up here. */
export const splitKernels = ['gemm', 'conv2d', 'conv2dBackward', 'maxPool2d',
  'maxPoolBackward', 'avgPool2d', 'avgPool2dBackward', 'binaryRow', 'whereRow', 'reluRow', 'reluBackwardRow',
  'batchNormStats', 'batchNormForward', 'batchNormBackward',
  'winogradWeights', 'winogradWeightGrad', 'winogradForward', 'winogradBackward'] as const;
export type SplitKernel = (typeof splitKernels)[number];
