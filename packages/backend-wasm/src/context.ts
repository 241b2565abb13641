import { SPLIT_KERNELS, type KernelArgs, type SplitKernel } from './exports.js';
import { compileKernels, relaxedSimdAvailable, WasmMemory } from './memory.js';
import { ThreadPool } from './threadPool.js';
import { cores, envVar, nodeWorkerThreads } from './platform.js';
import { WasmResidency } from './resident.js';

/** Bytes of arrays the backend keeps in its memory at most, by default (`residentBytes`). */
const RESIDENT_BYTES = 128 * 2 ** 20;

/** Options of the WebAssembly backend. */
export interface WasmBackendOptions {
  /**
   * Threads that share the big kernels (the main thread plus `threads - 1` workers).
   * @default the TAPEGRAD_THREADS environment variable, else the number of cores (1 where there are
   * no worker threads: browsers, Node before 20.16)
   */
  threads?: number;
  /**
   * 'auto' sends small kernels to the CPU kernels (the copies in and out would cost more than SIMD
   * saves) and splits only big ones over threads; 'none' sends every kernel through WebAssembly and
   * splits every splittable one, so conformance tests on tiny inputs exercise the wasm code paths;
   * it also fills the buffers of `empty` with NaN, so a kernel that leaves part of its output
   * unwritten fails them.
   * @default the TAPEGRAD_WASM_THRESHOLDS environment variable, else 'auto'
   */
  thresholds?: 'auto' | 'none';
  /**
   * Which build of the kernels runs: `true` the relaxed-SIMD one (the GEMM micro-kernel multiplies
   * and adds in one f32x4.relaxed_madd, fused where the CPU has FMA; results may differ from the
   * plain build's in the last bits, and stay the same from run to run on one machine), `false` the
   * plain-SIMD one. Unset, relaxed where the runtime validates it (Node >= 21 and current browsers;
   * on Node 20 the backend first sets V8's --experimental-wasm-relaxed-simd, once per process).
   * `true` where it does not validate is an error.
   * @default the TAPEGRAD_WASM_RELAXED environment variable (1 or 0), else relaxed where available
   */
  relaxedSimd?: boolean;
  /**
   * Keep kernel outputs in WebAssembly memory between the kernels of one step (docs/architecture.md,
   * "The decision, per backend"): the next kernel reads them in place instead of a copy out and a
   * copy in, the intermediate gradients of backward() are freed unread, and everything comes back
   * to the host when the host reads it, or after a step boundary (during the next step's
   * convolutions, at the latest at the boundary after). `false` copies every call's operands in and
   * results out.
   * @default the TAPEGRAD_WASM_RESIDENT environment variable (1 or 0), else true
   */
  resident?: boolean;
  /**
   * With `resident`, the most bytes of arrays kept in WebAssembly memory and not due back to the
   * host (in an inference pass, `noGrad` with nothing on the tape, at most 32 MiB of it): past it
   * the arrays used longest ago become due back until three quarters of it are held, and past twice
   * it due arrays come back at once. A batch-64 training step of the bundled models keeps
   * well under the default; more than a step needs makes the backward read some activations back.
   * @default 128 MiB
   */
  residentBytes?: number;
}

/** What the wasm kernels share: the compiled module's memory and arena, and the thread pool. */
export class WasmContext {
  readonly mem: WasmMemory;
  readonly threads: number;
  /** False with `thresholds: 'none'`: then kernels never hand small work to the CPU or keep it on one thread. */
  readonly useThresholds: boolean;
  /** True when the relaxed-SIMD build of the kernels runs. */
  readonly relaxedSimd: boolean;
  private readonly pool: ThreadPool | null;
  /** The arrays kept in memory between calls, or null when every call copies. */
  readonly residency: WasmResidency | null;

  constructor(opts: WasmBackendOptions = {}) {
    this.threads = resolveThreads(opts.threads);
    this.useThresholds = resolveThresholds(opts.thresholds) === 'auto';
    this.relaxedSimd = resolveRelaxedSimd(opts.relaxedSimd);
    const module = compileKernels(this.relaxedSimd ? 'relaxed' : 'plain');
    this.mem = new WasmMemory(module, this.threads);
    this.pool = this.threads > 1 ? new ThreadPool(module, this.mem.memory, this.threads) : null;
    const cap = opts.residentBytes ?? RESIDENT_BYTES;
    if (!(cap > 0)) throw new Error(`useWasmBackend: residentBytes ${cap} is not a positive number of bytes; expected e.g. ${RESIDENT_BYTES}`);
    this.residency = resolveResident(opts.resident) ? new WasmResidency(this.mem, cap, !this.useThresholds) : null;
    this.mem.kept = this.residency;
  }

  /**
   * Runs a splittable kernel, in `parts` parts when a pool exists (each part gets its own block of
   * per-thread scratch: the kernel offsets `scratch` by part * scratchBytes itself); `meanwhile`
   * runs on this thread once the workers have started, before its own part.
   */
  run<K extends SplitKernel>(kernel: K, args: KernelArgs<K>, parts: number, meanwhile?: () => void): void {
    const list = args as readonly number[];
    if (this.pool === null || parts <= 1) {
      meanwhile?.();
      (this.mem.exports[kernel] as (...a: number[]) => void)(...list, 0, 1);
      return;
    }
    this.pool.run(this.mem.exports, kernel, list, parts, meanwhile);
  }

  /**
   * Copies arrays due back to the host (src/resident.ts, `drain`) while a kernel's threads still
   * have items to take from the shared counter at byte address `counter` (`total` items in all):
   * what a kernel that hands out its work from a counter runs in its `meanwhile`, so this thread
   * copies while the workers compute, and joins them for the rest.
   */
  drainWhile(counter: number, total: number): void {
    const r = this.residency;
    if (r === null || !r.draining()) return;
    const counters = new Int32Array(this.mem.memory.buffer);
    r.drain(() => Atomics.load(counters, counter >> 2) < total);
  }

  /** True when `kernel` should leave `work` (in its registered units) to the CPU kernel: below its `work.min`. */
  declines(kernel: SplitKernel, work: number): boolean {
    return this.useThresholds && work < SPLIT_KERNELS[kernel].work.min;
  }

  /**
   * How many parts to split `work` of `kernel` into: every thread from its `work.split` on (always
   * without thresholds), else one; never more than `units`, the pieces the kernel splits by
   * (samples, planes, channels).
   */
  parts(kernel: SplitKernel, work: number, units = Infinity): number {
    return Math.min(units, !this.useThresholds || work >= SPLIT_KERNELS[kernel].work.split ? this.threads : 1);
  }

  /** Stops the workers. */
  close(): void {
    this.pool?.close();
  }
}

function resolveThreads(threads: number | undefined): number {
  let t = threads;
  if (t === undefined) {
    const env = envVar('TAPEGRAD_THREADS');
    t = env !== undefined && env !== '' ? Number(env) : nodeWorkerThreads() === null ? 1 : cores();
    if (!Number.isInteger(t) || t < 1) {
      throw new Error(`useWasmBackend: TAPEGRAD_THREADS ${JSON.stringify(env)} is not a positive integer; expected e.g. 1 or 2`);
    }
  } else if (!Number.isInteger(t) || t < 1) {
    throw new Error(`useWasmBackend: threads ${t} is not a positive integer; expected e.g. 1 or 2`);
  }
  return Math.min(t, 64);
}

function resolveResident(resident: boolean | undefined): boolean {
  if (resident !== undefined) return resident;
  const env = envVar('TAPEGRAD_WASM_RESIDENT');
  if (env === undefined || env === '' || env === '1') return true;
  if (env === '0') return false;
  throw new Error(`useWasmBackend: TAPEGRAD_WASM_RESIDENT ${JSON.stringify(env)} is not a choice; expected 1 (keep arrays in WebAssembly memory between kernels) or 0 (copy every call's operands)`);
}

function resolveThresholds(t: 'auto' | 'none' | undefined): 'auto' | 'none' {
  if (t !== undefined) return t;
  const env = envVar('TAPEGRAD_WASM_THRESHOLDS');
  if (env === undefined || env === '' || env === 'auto') return 'auto';
  if (env === 'none') return 'none';
  throw new Error(`useWasmBackend: TAPEGRAD_WASM_THRESHOLDS ${JSON.stringify(env)} is not a mode; expected auto or none`);
}

/** The build of the kernels a backend with these options runs (what `useWasmBackendAsync` compiles ahead). */
export function kernelBuild(opts: WasmBackendOptions): 'relaxed' | 'plain' {
  return resolveRelaxedSimd(opts.relaxedSimd) ? 'relaxed' : 'plain';
}

/** The build to run: the option, else TAPEGRAD_WASM_RELAXED, else relaxed where the runtime has it. */
function resolveRelaxedSimd(relaxed: boolean | undefined): boolean {
  let want = relaxed;
  if (want === undefined) {
    const env = envVar('TAPEGRAD_WASM_RELAXED');
    if (env === '0') want = false;
    else if (env === '1') want = true;
    else if (env !== undefined && env !== '') {
      throw new Error(`useWasmBackend: TAPEGRAD_WASM_RELAXED ${JSON.stringify(env)} is not a choice; expected 0 (plain SIMD) or 1 (relaxed SIMD)`);
    }
  }
  if (want === false) return false;
  const available = relaxedSimdAvailable();
  if (want === true && !available) {
    const asked = relaxed === undefined ? 'TAPEGRAD_WASM_RELAXED=1' : 'relaxedSimd true';
    throw new Error(`useWasmBackend: ${asked}, but this runtime does not validate the relaxed-SIMD kernels; expected Node >= 20.16 or a browser with relaxed SIMD, or the plain build (relaxedSimd false)`);
  }
  return available;
}
