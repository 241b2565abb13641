import { cpuBackend, setBackend, takeRecycled, type PartialBackend, type PoolKernels } from '@tapegrad/tensor';
import { WasmContext, type WasmBackendOptions } from './context.js';
import { makeGemm } from './gemm.js';
import { makeConvKernels } from './conv.js';
import { makeElementwise } from './elementwise.js';
import { makePoolKernels } from './pool.js';
import { makePlaneKernels } from './planes.js';
import { makeNormKernels } from './norm.js';
import { uninitialisedFloats } from './platform.js';

const cpuPool: PoolKernels = cpuBackend;

export type { WasmBackendOptions } from './context.js';
export { useWasmBackendAsync } from './ready.js';

/** A WebAssembly backend: its kernels, and `close()` to stop its worker threads. */
export interface WasmBackend extends PartialBackend {
  readonly threads: number;
  /** True when the relaxed-SIMD build of the kernels runs (fused multiply-add in GEMM), false for the plain-SIMD build. */
  readonly relaxedSimd: boolean;
  /** Bytes of WebAssembly memory held (module data, packing blocks, arena): the largest call's need, never shrinking. */
  memoryBytes(): number;
  /** Stops the worker threads; a kernel called afterwards throws. */
  close(): void;
}

/**
 * Builds the WebAssembly SIMD backend (kernels compiled from packages/backend-wasm/assembly, split over
 * worker threads sharing one memory). Kernels it does not supply fall back to the CPU ones when it
 * is installed with `setBackend`.
 */
export function createWasmBackend(opts: WasmBackendOptions = {}): WasmBackend {
  const ctx = new WasmContext(opts);
  const pool = makePoolKernels(ctx, cpuPool);
  const backend: WasmBackend = {
    name: 'wasm',
    threads: ctx.threads,
    relaxedSimd: ctx.relaxedSimd,
    memoryBytes: () => ctx.mem.memory.buffer.byteLength,
    close: () => {
      ctx.close();
      if (installed === backend) installed = null;
    },
    empty: ctx.useThresholds ? (n: number) => takeRecycled(n) ?? uninitialisedFloats(n) : poisonedBuffer,
    gemm: makeGemm(ctx),
    ...makeElementwise(ctx),
    ...makeConvKernels(ctx),
    ...pool,
    // Whole-plane averages in TypeScript; every other geometry to the wasm or CPU pooling kernels.
    ...makePlaneKernels({ ...cpuPool, ...pool }),
    ...makeNormKernels(ctx),
  };
  return backend;
}

/** With `thresholds: 'none'` (the conformance-test mode): filled with NaN, so an element a kernel leaves unwritten shows. */
function poisonedBuffer(length: number): Float32Array {
  return uninitialisedFloats(length).fill(NaN);
}

let installed: WasmBackend | null = null;

/**
 * Makes the WebAssembly SIMD backend the active one (`setBackend`). Calling it again with the same
 * thread count (and build, when `relaxedSimd` is given) reuses the backend; another replaces it.
 */
export function useWasmBackend(opts: WasmBackendOptions = {}): WasmBackend {
  if (installed === null || (opts.threads !== undefined && opts.threads !== installed.threads) ||
    (opts.relaxedSimd !== undefined && opts.relaxedSimd !== installed.relaxedSimd)) {
    installed?.close();
    installed = createWasmBackend(opts);
  }
  setBackend(installed);
  return installed;
}
