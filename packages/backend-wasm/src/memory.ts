import { wasmApi, type WasmMemoryObject, type WasmModuleObject } from './wasmApi.js';
import type { WasmExports } from './exports.js';
import { KERNELS_BASE64, KERNELS_RELAXED_BASE64 } from './kernels.generated.js';
import { enableNode20RelaxedSimd } from './platform.js';
import { Heap, align } from './heap.js';

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

/** What the memory asks of the arrays kept in it between calls (src/resident.ts). */
export interface KeptArrays {
  /** Byte address of `a`'s first element when its values are kept here, else -1. */
  addressOf(a: Float32Array): number;
  /**
   * Byte address for a call to write `a`'s elements at, `a`'s buffer kept here from then on; or -1
   * when `a` is not to be kept (the call's result goes to the host array). `whole`: the call
   * writes every element of `a`, which spans its buffer.
   */
  output(a: Float32Array, whole?: boolean): number;
}

/**
 * The shared memory: module data, one GEMM packing block per thread, then a heap (src/heap.ts) of
 * the arena's chunks and of the arrays a resident backend keeps between calls. The arena is
 * reusable scratch space: a kernel call resets it, takes what it needs with `take`, places its
 * inputs, runs, and copies its outputs out (or leaves them where `output` put them), so nothing
 * taken from the arena outlives a call. It is one chunk sized to the largest call seen; a call that
 * needs more takes further chunks, and the next reset replaces them all with one of the new size.
 * The memory grows to the largest need seen and never shrinks (WebAssembly memories cannot).
 */
export class WasmMemory {
  readonly memory: WasmMemoryObject;
  readonly exports: WasmExports;
  /** Per-thread scratch for the kernels (GEMM packing), `threads` blocks of `scratchBytes`. */
  readonly scratch: number;
  readonly scratchBytes: number;
  readonly heap: Heap;
  /** The arrays kept here between calls, when the backend keeps any. */
  kept: KeptArrays | null = null;
  /** The number of the current kernel call (each `reset` starts one). */
  call = 0;
  private arena = 0;
  private arenaBytes = 0;
  /** Chunks taken past the arena during this call. */
  private readonly extra: number[] = [];
  /** Blocks given back during a call: freed at the next reset, so the call can still read them. */
  private readonly later: number[] = [];
  private top = 0;
  private limit = 0;
  private used = 0;
  private view: Float32Array;

  constructor(module: WasmModuleObject, threads: number) {
    this.memory = new wasmApi.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    const instance = new wasmApi.Instance(module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as WasmExports;
    this.scratchBytes = align(this.exports.gemmScratchBytes());
    this.scratch = align(this.exports.heapBase());
    const base = this.scratch + threads * this.scratchBytes;
    this.view = new Float32Array(this.memory.buffer);
    this.growTo(base);
    this.heap = new Heap(base, (bytes) => this.growTo(bytes));
  }

  /** Starts a kernel call: frees everything taken from the arena since the last reset. */
  reset(): void {
    this.call++;
    for (const p of this.later) this.heap.free(p);
    this.later.length = 0;
    if (this.extra.length > 0) {
      for (const p of this.extra) this.heap.free(p);
      this.extra.length = 0;
      if (this.arenaBytes > 0) this.heap.free(this.arena);
      // room for this call's takes in one chunk, and a quarter more for a slowly rising need
      this.arenaBytes = align(this.used + (this.used >> 2));
      this.arena = this.heap.alloc(this.arenaBytes);
    }
    this.top = this.arena;
    this.limit = this.arena + this.arenaBytes;
    this.used = 0;
  }

  /** Takes `length` floats from the arena (64-byte aligned); returns the byte address. */
  take(length: number): number {
    const bytes = align(length * 4);
    if (this.top + bytes > this.limit) {
      const p = this.heap.alloc(Math.max(bytes, this.arenaBytes));
      this.extra.push(p);
      this.top = p;
      this.limit = p + this.heap.sizeOf(p);
    }
    const p = this.top;
    this.top += bytes;
    this.used += bytes;
    return p;
  }

  /** Frees a heap block at the next reset (the current call may still read it). */
  freeLater(p: number): void {
    this.later.push(p);
  }

  /** Byte address of `a`'s first element when it is kept in this memory, else -1. */
  addressOf(a: Float32Array): number {
    return this.kept === null ? -1 : this.kept.addressOf(a);
  }

  /** Makes the memory at least `bytes` long (kernels that read a little past an operand). */
  growTo(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    const pages = Math.ceil((bytes - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) {
      throw new Error(`wasm backend: a kernel needs ${Math.ceil(bytes / 2 ** 20)} MiB of WebAssembly memory; expected at most ${MAX_PAGES * PAGE / 2 ** 20} MiB`);
    }
    // Grow by at least a quarter so a slowly rising peak does not grow page by page.
    this.memory.grow(Math.max(pages, Math.min(MAX_PAGES - have / PAGE, Math.ceil(have / PAGE / 4))));
  }

  /** A Float32Array over the whole memory, current after any growth. */
  get f32(): Float32Array {
    if (this.view.buffer.byteLength !== this.memory.buffer.byteLength) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }
}
