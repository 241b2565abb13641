// Which backend `tapegrad` installs when it is imported: the fastest that loads here, unless
// TAPEGRAD_BACKEND says otherwise. In Node that happens during the import; in a browser it is
// asynchronous (the pool's Web Workers start only once the importing thread yields), and `ready()`
// resolves when it is done.
import { cpuBackend, getBackend, resetBackend, setBackend, type Backend } from '@tapegrad/tensor';
import { useWasmBackend, type WasmBackend, type WasmBackendOptions } from '@tapegrad/backend-wasm';
import { useWasmBackendAsync } from '@tapegrad/backend-wasm';
import { loadWebGpu, useWebGpu } from './webgpu.js';

/** What the WebAssembly backend needs of the platform. */
export interface PlatformFeatures {
  /** WebAssembly with fixed-width SIMD (v128). */
  simd: boolean;
  /** Shared WebAssembly memory (SharedArrayBuffer; in a browser, a cross-origin-isolated page). */
  sharedMemory: boolean;
  /**
   * Worker threads that may block in Atomics.wait: Node's worker_threads (Node >= 20.16), or in a
   * browser Web Workers started from inside a Worker of a cross-origin-isolated page (a page's
   * main thread cannot block).
   */
  workers: boolean;
}

/** Settings of `installBackend`; each defaults to what this process has. */
export interface InstallOptions {
  /** TAPEGRAD_BACKEND and TAPEGRAD_THREADS; default `process.env` where there is one. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Default: `detectFeatures()`. Tests pass missing features to check each fallback. */
  features?: PlatformFeatures;
  /** Where a fallback is reported; default `console.warn` (stderr in Node). */
  warn?: (message: string) => void;
}

/** What `installBackend` chose. */
export interface InstalledBackend {
  name: 'cpu' | 'wasm' | 'webgpu';
  threads: number;
  /** Why a faster backend was not used (also passed to `warn`), or null. */
  fallback: string | null;
}

// (module (func (result v128) i32.const 0 i8x16.splat)): valid only where SIMD is.
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00,
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0x0b,
]);

interface WasmGlobal {
  validate(bytes: Uint8Array): boolean;
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { buffer: ArrayBufferLike };
}

/** What this runtime offers the WebAssembly backend. */
export function detectFeatures(): PlatformFeatures {
  const wasm = (globalThis as { WebAssembly?: WasmGlobal }).WebAssembly;
  let simd = false, sharedMemory = false;
  if (wasm !== undefined) {
    try {
      simd = wasm.validate(SIMD_PROBE);
    } catch {
      simd = false;
    }
    try {
      sharedMemory = typeof SharedArrayBuffer !== 'undefined' &&
        new wasm.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
    } catch {
      sharedMemory = false;
    }
  }
  // Node >= 20.16 hands out worker_threads through process.getBuiltinModule, which the backend uses
  // so that loading it imports nothing from node:*. A browser's Worker can start Web Workers and
  // block on them (with shared memory); its page's main thread cannot block.
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const workers = onNode()
    ? typeof proc?.getBuiltinModule === 'function' && proc.getBuiltinModule('node:worker_threads') != null
    : sharedMemory && insideWebWorker() && typeof (globalThis as { Worker?: unknown }).Worker === 'function';
  return { simd, sharedMemory, workers };
}

/** True in Node (and runtimes that present themselves as it), false in browsers. */
function onNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof proc?.versions?.node === 'string';
}

/** True inside a browser Worker (a WorkerGlobalScope). */
function insideWebWorker(): boolean {
  const scope = (globalThis as { WorkerGlobalScope?: abstract new () => object }).WorkerGlobalScope;
  return scope !== undefined && globalThis instanceof scope;
}

/** A browser's logical cores (navigator.hardwareConcurrency), at least 1. */
function browserCores(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 ? n : 1;
}

function processEnv(): Readonly<Record<string, string | undefined>> {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env ?? {};
}

function parseThreads(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const v = env['TAPEGRAD_THREADS'];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`tapegrad: TAPEGRAD_THREADS ${JSON.stringify(v)} is not a positive integer; expected e.g. 1 or 2`);
  return n;
}

/** What `choose` decided: done (the CPU backend, installed), the wasm backend or the WebGPU one to load. */
type Plan =
  | { kind: 'done'; result: InstalledBackend }
  | { kind: 'webgpu' }
  | { kind: 'wasm'; options: WasmBackendOptions; fallback: string | null; required: boolean; warn: (m: string) => void };

/**
 * Checks the settings (throws for a bad one) and the features, and chooses: the CPU backend
 * (installed here, with a warning when it is a fallback) or the wasm backend with its options.
 */
function choose(opts: InstallOptions): Plan {
  const env = opts.env ?? processEnv();
  const features = opts.features ?? detectFeatures();
  const warn = opts.warn ?? ((m: string) => console.warn(m));
  const choice = env['TAPEGRAD_BACKEND'] ?? '';
  if (choice !== '' && choice !== 'cpu' && choice !== 'wasm' && choice !== 'webgpu') {
    throw new Error(`tapegrad: TAPEGRAD_BACKEND ${JSON.stringify(choice)} is not a backend; expected cpu, wasm or webgpu`);
  }
  const threads = parseThreads(env);
  // The wasm backend's own settings: a bad value is an error, not a reason to fall back.
  for (const [name, allowed] of [['TAPEGRAD_WASM_THRESHOLDS', ['auto', 'none']], ['TAPEGRAD_WASM_RELAXED', ['0', '1']]] as const) {
    const v = env[name];
    if (v !== undefined && v !== '' && !(allowed as readonly string[]).includes(v)) {
      throw new Error(`tapegrad: ${name} ${JSON.stringify(v)} is not a setting; expected ${allowed.join(' or ')}`);
    }
  }
  if (choice === 'cpu') {
    resetBackend();
    return { kind: 'done', result: { name: 'cpu', threads: 1, fallback: null } };
  }
  if (choice === 'webgpu') return { kind: 'webgpu' };
  const missing = [!features.simd && 'WebAssembly SIMD', !features.sharedMemory && 'shared WebAssembly memory']
    .filter((m): m is string => m !== false);
  if (missing.length > 0) {
    const why = `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not available here`;
    if (choice === 'wasm') throw new Error(`tapegrad: TAPEGRAD_BACKEND=wasm, but ${why}; expected a runtime with both (Node >= 20, or a cross-origin-isolated page)`);
    return { kind: 'done', result: cpuFallback(`${why}`, warn) };
  }
  // undefined: the backend's own default, as many threads as cores (Node); in a browser, as many as
  // cores inside a Worker, one on the page's main thread (the mode there, not a fallback).
  let want = threads;
  if (want === undefined && !onNode()) want = features.workers ? browserCores() : 1;
  let fallback: string | null = null;
  if (!features.workers && want !== 1) {
    fallback = `tapegrad: worker threads are not available here; the wasm backend runs on one thread`;
    want = 1;
  }
  return { kind: 'wasm', options: want === undefined ? {} : { threads: want }, fallback, required: choice === 'wasm', warn };
}

/** The wasm backend installed as planned, or the CPU fallback when it fails to load. */
function outcome(p: Extract<Plan, { kind: 'wasm' }>, load: () => WasmBackend): InstalledBackend {
  let be: WasmBackend;
  try {
    be = load();
  } catch (e) {
    if (p.required) throw e;
    return cpuFallback(`the wasm backend failed to load (${(e as Error).message})`, p.warn);
  }
  if (p.fallback !== null) p.warn(p.fallback);
  return { name: 'wasm', threads: be.threads, fallback: p.fallback };
}

/**
 * Installs a backend and says which. TAPEGRAD_BACKEND=cpu or wasm chooses one (wasm where it cannot
 * load is an error; webgpu needs `await loadWebGpu()` first, or use installBackendAsync); unset, the fastest that loads: wasm on as many threads as cores (or
 * TAPEGRAD_THREADS), on one thread where there are no worker threads, the CPU backend where
 * WebAssembly SIMD or shared memory is missing or the kernels fail to load. A fallback is reported
 * through `warn`. In a browser the pool's threads start only after this thread yields (kernels
 * run on one thread until then): `installBackendAsync` waits for them.
 */
export function installBackend(opts: InstallOptions = {}): InstalledBackend {
  const p = choose(opts);
  if (p.kind === 'webgpu') return webGpuInstalled(useWebGpu('installBackend'));
  return p.kind === 'done' ? p.result : outcome(p, () => useWasmBackend(p.options));
}

function webGpuInstalled(h: { backend: Backend }): InstalledBackend {
  return { name: 'webgpu', threads: h.backend.threads ?? 1, fallback: null };
}

/** `installBackend`, resolved once the backend runs at full width (its worker threads have started). */
export async function installBackendAsync(opts: InstallOptions = {}): Promise<InstalledBackend> {
  const p = choose(opts);
  if (p.kind === 'done') return p.result;
  if (p.kind === 'webgpu') {
    await loadWebGpu();
    return webGpuInstalled(useWebGpu('installBackendAsync'));
  }
  let be: WasmBackend;
  try {
    be = await useWasmBackendAsync(p.options);
  } catch (e) {
    if (p.required) throw e;
    return cpuFallback(`the wasm backend failed to load (${(e as Error).message})`, p.warn);
  }
  const loaded = be;
  return outcome(p, () => loaded);
}

function cpuFallback(why: string, warn: (m: string) => void): InstalledBackend {
  resetBackend();
  const msg = `tapegrad: ${why}; using the CPU backend (plain TypeScript, about 10x slower)`;
  warn(msg);
  return { name: 'cpu', threads: 1, fallback: msg };
}

let installing: Promise<void> | null = null;

/**
 * Installs the default backend once (importing `tapegrad` calls this). In Node it finishes
 * synchronously (a bad setting throws from the import); in a browser it runs asynchronously and
 * the CPU backend serves until it is done. `ready()` resolves when it has.
 */
export function installDefaultBackend(): void {
  if (installing !== null) return;
  if (processEnv()['TAPEGRAD_BACKEND'] === 'webgpu') {
    // an ES module found at run time loads asynchronously: until it is in, kernels say so
    setBackend(refusing('TAPEGRAD_BACKEND=webgpu is still loading; await ready() before the first tensor operation'));
    installing = installBackendAsync().then(() => undefined, (e: unknown) => {
      setBackend(refusing((e as Error).message));
      throw e;
    });
    installing.catch(() => undefined);
    return;
  }
  if (!onNode()) {
    installing = Promise.resolve().then(() => installBackendAsync()).then(() => undefined);
    installing.catch(() => undefined);
    return;
  }
  try {
    installBackend();
    installing = Promise.resolve();
  } catch (e) {
    installing = Promise.reject(e as Error);
    installing.catch(() => undefined);
    throw e;
  }
}

/**
 * Resolves once the backend chosen when `tapegrad` was imported is installed (rejects if it
 * failed): at once in Node; in a browser after the kernels are compiled and, inside a Worker, the
 * worker threads have started. Await it before training in a browser.
 */
export function ready(): Promise<void> {
  installDefaultBackend();
  return installing!.then(() => undefined);
}

/** A backend whose kernels all throw `message` (buffers are still allocated on the heap). */
function refusing(message: string): Backend {
  const be: Record<string, unknown> = { name: 'none' };
  for (const [key, v] of Object.entries(cpuBackend)) {
    if (typeof v !== 'function') continue;
    be[key] = key === 'alloc' || key === 'empty' ? v : () => { throw new Error(message); };
  }
  return be as unknown as Backend;
}

/** The active backend's name and thread count. */
export function backendInfo(): { name: string; threads: number } {
  const b = getBackend();
  return { name: b.name, threads: b.threads ?? 1 };
}
