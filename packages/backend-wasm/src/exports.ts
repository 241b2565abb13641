/**
 * The kernels of assembly/ that split over threads, each registered once: its arguments as the host
 * passes them (byte addresses in the shared memory, sizes and strides in elements, codes), after
 * which every one takes (part, parts); and its work thresholds. The types of `WasmExports` and of
 * `WasmContext.run`'s argument list come from here, so a call with the wrong number of arguments
 * does not compile; the thread pool posts a kernel by its index in this table, and a worker looks
 * it up by the same index.
 *
 * `work`: below `min` units of work the host runs the CPU kernel instead (the copies in and out
 * would cost more than SIMD saves), from `split` on the work is split over the threads (a round
 * trip to the workers costs ~20-30 µs). Units: multiply-adds for GEMM and convolutions, elements
 * for the elementwise rows, batch norm, whole-plane means and masks, window visits for pooling. A kernel reached only through
 * another (Winograd through the convolution) shares that kernel's thresholds.
 */
const MULTIPLY_ADDS = { min: 32 * 32 * 32, split: 1 << 20 } as const;
const ELEMENTS = { min: 1 << 14, split: 1 << 18 } as const;
const PASSES = { min: 1 << 14, split: 1 << 18 } as const;
/** A block copy within the memory: worth a second thread from ~0.5 MB (it is bound by memory bandwidth, which one thread does not fill). */
const COPIES = { min: 1 << 14, split: 1 << 17 } as const;

interface KernelSpec {
  readonly args: readonly string[];
  readonly work: { readonly min: number; readonly split: number };
}

export const SPLIT_KERNELS = {
  gemm: { args: ['M', 'N', 'K', 'a', 'aRs', 'aCs', 'b', 'bRs', 'bCs', 'c', 'cRs', 'accumulate', 'scratch'], work: MULTIPLY_ADDS },
  conv2d: { args: ['geom', 'x', 'w', 'bias', 'out', 'cols', 'scratch', 'packed', 'epilogue', 'next', 'ready'], work: MULTIPLY_ADDS },
  conv2dBackward: { args: ['geom', 'gOut', 'x', 'w', 'gx', 'gwBase', 'gbBase', 'cols', 'scratch', 'packedT', 'reluOut', 'masked', 'ready'], work: MULTIPLY_ADDS },
  maxPool2d: { args: ['geom', 'x', 'out', 'argmax'], work: PASSES },
  maxPoolBackward: { args: ['gOut', 'argmax', 'planes', 'inPlane', 'outPlane', 'out'], work: PASSES },
  avgPool2d: { args: ['geom', 'countIncludePad', 'divisorOverride', 'x', 'out'], work: PASSES },
  avgPool2dBackward: { args: ['geom', 'countIncludePad', 'divisorOverride', 'gOut', 'out'], work: PASSES },
  planeMeans: { args: ['x', 'planes', 'size', 'divisor', 'out', 'block', 'next', 'ready'], work: PASSES },
  binaryRow: { args: ['op', 'a', 'sa', 'b', 'sb', 'out', 'n'], work: ELEMENTS },
  whereRow: { args: ['c', 'sc', 'a', 'sa', 'b', 'sb', 'out', 'n'], work: ELEMENTS },
  reluRow: { args: ['x', 'out', 'n'], work: ELEMENTS },
  reluBackwardRow: { args: ['out', 'g', 'gx', 'n'], work: ELEMENTS },
  fillMask: { args: ['states', 'below', 'valueBits', 'out', 'n'], work: ELEMENTS },
  copyRows: { args: ['src', 'srcStride', 'dst', 'dstStride', 'n', 'rows'], work: COPIES },
  batchNormStats: { args: ['x', 'N', 'C', 'S', 'mean', 'variance'], work: PASSES },
  batchNormForward: { args: ['x', 'N', 'C', 'S', 'mean', 'variance', 'eps', 'weight', 'bias', 'out', 'epilogue'], work: PASSES },
  batchNormBackward: {
    args: ['gradOut', 'x', 'N', 'C', 'S', 'mean', 'variance', 'eps', 'weight', 'bias', 'epilogue', 'batchStats', 'gradInput', 'gradWeight', 'gradBias'],
    work: PASSES,
  },
  winogradWeights: { args: ['geom', 'w', 'u', 'layout', 'tmp'], work: MULTIPLY_ADDS },
  winogradWeightGrad: { args: ['geom', 'du', 'count', 'gw', 'tmp', 'flag'], work: MULTIPLY_ADDS },
  winogradForward: { args: ['geom', 'x', 'u', 'bias', 'out', 'xb', 'work', 'epilogue', 'next', 'flag'], work: MULTIPLY_ADDS },
  winogradBackward: { args: ['geom', 'gOut', 'reluOut', 'x', 'u', 'gx', 'du', 'gb', 'gyb', 'xb', 'gxb', 'work', 'flag'], work: MULTIPLY_ADDS },
} as const satisfies Record<string, KernelSpec>;

export type SplitKernel = keyof typeof SPLIT_KERNELS;

/** The host's arguments of `kernel`, one number each, in the order of its registration. */
export type KernelArgs<K extends SplitKernel> = Numbers<(typeof SPLIT_KERNELS)[K]['args']>;

/** A number for each name of a tuple of names. */
type Numbers<T extends readonly string[]> = { readonly [I in keyof T]: number };

/** The splittable kernels, by number: the thread pool posts a number, a worker looks the name up here. */
export const splitKernels = Object.keys(SPLIT_KERNELS) as SplitKernel[];

/**
 * The functions exported by the compiled AssemblyScript module (packages/backend-wasm/assembly), as the
 * host sees them: the split kernels above, and the helpers below.
 */
export type WasmExports = WasmHelpers & {
  readonly [K in SplitKernel]: (...args: [...KernelArgs<K>, part: number, parts: number]) => void;
};

/** The exports that are not split over threads: sizes of scratch areas, weight packing, a sum. */
interface WasmHelpers {
  heapBase(): number;
  gemmScratchBytes(): number;
  packWeights(geom: number, w: number, dst: number, transposed: number): void;
  packedWeightBytes(geom: number, transposed: number): number;
  convColsBytes(geom: number): number;
  addInto(dst: number, src: number, n: number): void;
  winogradWorkBytes(geom: number): number;
}
