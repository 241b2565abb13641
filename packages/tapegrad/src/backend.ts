// Which backend `tapegrad` installs when it is imported: the fastest that loads here, unless
// TAPEGRAD_BACKEND says otherwise.
import { getBackend, resetBackend } from '@tapegrad/tensor';
import { useWasmBackend } from '@tapegrad/backend-wasm';

/** What the WebAssembly backend needs of the platform. */
export interface PlatformFeatures {
  /** WebAssembly with fixed-width SIMD (v128). */
  simd: boolean;
  /** Shared WebAssembly memory (SharedArrayBuffer; in a browser, a cross-origin-isolated page). */
  sharedMemory: boolean;
  /** Worker threads that may block in Atomics.wait (Node's worker_threads, Node >= 20.16). */
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
  name: 'cpu' | 'wasm';
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
  // so that loading it imports nothing from node:*; browsers have no blocking workers for it.
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const workers = typeof proc?.getBuiltinModule === 'function' && proc.getBuiltinModule('node:worker_threads') != null;
  return { simd, sharedMemory, workers };
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

/**
 * Installs a backend and says which. TAPEGRAD_BACKEND=cpu or wasm chooses one (wasm where it cannot
 * load is an error); unset, the fastest that loads: wasm on as many threads as cores (or
 * TAPEGRAD_THREADS), on one thread where there are no worker threads, the CPU backend where
 * WebAssembly SIMD or shared memory is missing or the kernels fail to load. A fallback is reported
 * through `warn`.
 */
export function installBackend(opts: InstallOptions = {}): InstalledBackend {
  const env = opts.env ?? processEnv();
  const features = opts.features ?? detectFeatures();
  const warn = opts.warn ?? ((m: string) => console.warn(m));
  const choice = env['TAPEGRAD_BACKEND'] ?? '';
  if (choice !== '' && choice !== 'cpu' && choice !== 'wasm') {
    throw new Error(`tapegrad: TAPEGRAD_BACKEND ${JSON.stringify(choice)} is not a backend; expected cpu or wasm`);
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
    return { name: 'cpu', threads: 1, fallback: null };
  }
  const missing = [!features.simd && 'WebAssembly SIMD', !features.sharedMemory && 'shared WebAssembly memory']
    .filter((m): m is string => m !== false);
  if (missing.length > 0) {
    const why = `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not available here`;
    if (choice === 'wasm') throw new Error(`tapegrad: TAPEGRAD_BACKEND=wasm, but ${why}; expected a runtime with both (Node >= 20, or a cross-origin-isolated page)`);
    return cpuFallback(`${why}`, warn);
  }
  // undefined: the backend's own default, as many threads as cores.
  let want = threads;
  let fallback: string | null = null;
  if (!features.workers && want !== 1) {
    fallback = `tapegrad: worker threads are not available here; the wasm backend runs on one thread`;
    want = 1;
  }
  try {
    const be = useWasmBackend(want === undefined ? {} : { threads: want });
    if (fallback !== null) warn(fallback);
    return { name: 'wasm', threads: be.threads, fallback };
  } catch (e) {
    if (choice === 'wasm') throw e;
    return cpuFallback(`the wasm backend failed to load (${(e as Error).message})`, warn);
  }
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
 * synchronously; `ready()` resolves when it has.
 */
export function installDefaultBackend(): void {
  if (installing !== null) return;
  try {
    installBackend();
    installing = Promise.resolve();
  } catch (e) {
    installing = Promise.reject(e as Error);
    installing.catch(() => undefined);
    throw e;
  }
}

/** Resolves once the backend chosen when `tapegrad` was imported is installed (rejects if it failed). */
export function ready(): Promise<void> {
  installDefaultBackend();
  return installing!.then(() => undefined);
}

/** The active backend's name and thread count. */
export function backendInfo(): { name: string; threads: number } {
  const b = getBackend();
  return { name: b.name, threads: b.threads ?? 1 };
}
