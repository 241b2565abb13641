import { markFresh, registerOwner, setBackend, takeRecycled, unregisterOwner, type PartialBackend, type PoolKernels } from '@tapegrad/tensor';
import { WasmContext, type WasmBackendOptions } from './context.js';
import { makeGemm } from './gemm.js';
import { makeConvKernels } from './conv.js';
import { makeElementwise } from './elementwise.js';
import { makePoolKernels } from './pool.js';
import { makePlaneKernels } from './planes.js';
import { makeRandomKernels } from './random.js';
import { makeNormKernels } from './norm.js';
import { uninitialisedFloats } from './platform.js';
import { hostCpu } from './cpu.js';
import type { ResidentStats } from './resident.js';

const cpuPool: PoolKernels = hostCpu;

export type { WasmBackendOptions } from './context.js';
export type { ResidentStats } from './resident.js';
export { useWasmBackendAsync } from './ready.js';

/** A WebAssembly backend: its kernels, and `close()` to stop its worker threads. */
export interface WasmBackend extends PartialBackend {
  readonly threads: number;
  /** True when the relaxed-SIMD build of the kernels runs (fused multiply-add in GEMM), false for the plain-SIMD build. */
  readonly relaxedSimd: boolean;
  /** True when kernel outputs stay in WebAssembly memory between the kernels of a step (the `resident` option). */
  readonly resident: boolean;
  /** Bytes of WebAssembly memory held (module data, packing blocks, arena): the largest call's need, never shrinking. */
  memoryBytes(): number;
  /** The arrays whose values are kept in WebAssembly memory now (none with `resident: false`). */
  residentStats(): ResidentStats;
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
  const residency = ctx.residency;
  const empty = ctx.useThresholds ? (n: number) => takeRecycled(n) ?? uninitialisedFloats(n) : poisonedBuffer;
  const backend: WasmBackend = {
    // with arrays kept in memory, every CPU kernel brings its arrays back first
    ...(residency === null ? {} : hostCpu),
    name: 'wasm',
    threads: ctx.threads,
    placesConvOutput: true,
    relaxedSimd: ctx.relaxedSimd,
    resident: residency !== null,
    memoryBytes: () => ctx.mem.memory.buffer.byteLength,
    residentStats: () => residency?.stats() ?? { arrays: 0, bytes: 0, dueBytes: 0 },
    close: () => {
      if (residency !== null) unregisterOwner(residency);
      ctx.close();
      if (installed === backend) installed = null;
    },
    ...(residency === null ? {} : {
      alloc: (n: number) => {
        const a = hostCpu.alloc(n);
        residency.allocated.add(a.buffer);
        return a;
      },
    }),
    // unfilled: a kernel output made resident need not start from its host values
    empty: residency === null ? empty : (n: number) => {
      const a = empty(n);
      markFresh(a.buffer);
      return a;
    },
    gemm: makeGemm(ctx),
    ...makeElementwise(ctx),
    ...makeConvKernels(ctx),
    ...pool,
    // Whole-plane averages (src/planes.ts); every other geometry to the wasm or CPU pooling kernels.
    ...makePlaneKernels(ctx, { ...cpuPool, ...pool }),
    ...makeNormKernels(ctx),
    ...makeRandomKernels(ctx),
  };
  if (residency !== null) {
    residency.backend = backend;
    registerOwner(residency);
  }
  return backend;
}

/** With `thresholds: 'none'` (the conformance-test mode): filled with NaN, so an element a kernel leaves unwritten shows. */
function poisonedBuffer(length: number): Float32Array {
  return uninitialisedFloats(length).fill(NaN);
}

let installed: WasmBackend | null = null;

/**
 * Makes the WebAssembly SIMD backend the active one (`setBackend`). Calling it again with the same
 * thread count (and build and residency, when `relaxedSimd` or `resident` is given) reuses the
 * backend; another replaces it.
 */
export function useWasmBackend(opts: WasmBackendOptions = {}): WasmBackend {
  if (installed === null || (opts.threads !== undefined && opts.threads !== installed.threads) ||
    (opts.relaxedSimd !== undefined && opts.relaxedSimd !== installed.relaxedSimd) ||
    (opts.resident !== undefined && opts.resident !== installed.resident)) {
    installed?.close();
    installed = createWasmBackend(opts);
  }
  setBackend(installed);
  return installed;
}
