import { wasmApi, type WasmMemoryObject, type WasmModuleObject } from './wasmApi.js';
import type { WasmExports } from './exports.js';
import { KERNELS_BASE64, KERNELS_RELAXED_BASE64 } from './kernels.generated.js';
import { enableNode20RelaxedSimd } from './platform.js';

/** 64 KiB WebAssembly pages; the module declares at most 16384 of them (1 GiB). */
const PAGE = 65536;
export const MAX_PAGES = 16384;

/**
 * The kernels are built twice from one source (packages/backend-wasm/assembly, by the package's
 * prepare script, embedded as base64): `relaxed` uses relaxed SIMD's f32x4.relaxed_madd in the GEMM
 * micro-kernel (fused multiply-add where the CPU has it), `plain` a separate multiply and add.
 */
export type KernelBuild = 'plain' | 'relaxed';

const modules = new Map<KernelBuild, WasmModuleObject>();
let relaxedBytes: Uint8Array | null = null;
let relaxedValid: boolean | null = null;

/**
 * Whether this runtime runs the relaxed-SIMD build: WebAssembly.validate on the build itself, and
 * on Node 20, where relaxed SIMD is behind a V8 flag, once more after setting the flag (once per
 * process). Decided once; the answer does not change within a process.
 */
export function relaxedSimdAvailable(): boolean {
  if (relaxedValid === null) {
    const bytes = relaxedBytes ??= decode(KERNELS_RELAXED_BASE64);
    relaxedValid = wasmApi.validate(bytes) || (enableNode20RelaxedSimd() && wasmApi.validate(bytes));
  }
  return relaxedValid;
}

/**
 * The compiled kernels of one build, compiled once per process; worker threads are handed the
 * same module object, so every thread of a backend runs the same code.
 */
export function compileKernels(build: KernelBuild): WasmModuleObject {
  let m = modules.get(build);
  if (m === undefined) {
    const bytes = build === 'relaxed' ? relaxedBytes ??= decode(KERNELS_RELAXED_BASE64) : decode(KERNELS_BASE64);
    m = new wasmApi.Module(bytes);
    modules.set(build, m);
  }
  return m;
}

/**
 * Compiles a build with `WebAssembly.compile` (off the calling thread) into the cache that
 * `compileKernels` reads. A browser page's main thread may refuse to compile a large module
 * synchronously; awaiting this first makes the synchronous path a cache hit there.
 */
export async function compileKernelsAsync(build: KernelBuild): Promise<void> {
  if (modules.has(build)) return;
  const bytes = build === 'relaxed' ? relaxedBytes ??= decode(KERNELS_RELAXED_BASE64) : decode(KERNELS_BASE64);
  const m = await wasmApi.compile(bytes);
  if (!modules.has(build)) modules.set(build, m);
}

function decode(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * The shared memory and the arena in it. The arena is reusable scratch space: a kernel call resets
 * it, takes what it needs with `take`, copies its inputs in, runs, and copies its outputs out into
 * JS-heap arrays, so nothing in WebAssembly memory outlives a kernel call and nothing needs freeing.
 * The memory grows to the largest call seen and never shrinks (WebAssembly memories cannot).
 */
export class WasmMemory {
  readonly memory: WasmMemoryObject;
  readonly exports: WasmExports;
  /** Per-thread scratch for the kernels (GEMM packing), `threads` blocks of `scratchBytes`. */
  readonly scratch: number;
  readonly scratchBytes: number;
  private readonly base: number;
  private top: number;
  private view: Float32Array;

  constructor(module: WasmModuleObject, threads: number) {
    this.memory = new wasmApi.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    const instance = new wasmApi.Instance(module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as WasmExports;
    this.scratchBytes = align(this.exports.gemmScratchBytes());
    this.scratch = align(this.exports.heapBase());
    this.base = this.scratch + threads * this.scratchBytes;
    this.top = this.base;
    this.view = new Float32Array(this.memory.buffer);
    this.ensure(this.base);
  }

  /** Frees everything taken since the last reset (the start of a kernel call). */
  reset(): void {
    this.top = this.base;
  }

  /** Takes `length` floats from the arena (64-byte aligned); returns the byte address. */
  take(length: number): number {
    const p = this.top;
    this.top = align(p + length * 4);
    this.ensure(this.top);
    return p;
  }

  /** A Float32Array over the whole memory, current after any growth. */
  get f32(): Float32Array {
    if (this.view.buffer.byteLength !== this.memory.buffer.byteLength) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  private ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    const pages = Math.ceil((bytes - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) {
      throw new Error(`wasm backend: a kernel needs ${Math.ceil(bytes / 2 ** 20)} MiB of scratch memory; expected at most ${MAX_PAGES * PAGE / 2 ** 20} MiB`);
    }
    // Grow by at least a quarter so a slowly rising peak does not grow page by page.
    this.memory.grow(Math.max(pages, Math.min(MAX_PAGES - have / PAGE, Math.ceil(have / PAGE / 4))));
  }
}

function align(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}
