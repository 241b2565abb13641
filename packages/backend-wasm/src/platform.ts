// What the backend takes from its host, found at run time rather than imported, so that loading
// the package imports nothing from `node:*` (a browser bundle of it resolves no Node module).
import type * as WorkerThreads from 'node:worker_threads';
import type * as Os from 'node:os';
import type * as V8 from 'node:v8';

interface NodeProcess {
  env?: Record<string, string | undefined>;
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
}

const proc = (globalThis as { process?: NodeProcess }).process;

/** An environment variable where there is a process environment (Node), else undefined. */
export function envVar(name: string): string | undefined {
  return proc?.env?.[name];
}

/**
 * Node's worker_threads, or null where there is none (browsers, and Node before 20.16, which has
 * no `process.getBuiltinModule`): then the backend runs on one thread.
 */
export function nodeWorkerThreads(): typeof WorkerThreads | null {
  const m = proc?.getBuiltinModule?.('node:worker_threads');
  return m === undefined || m === null ? null : (m as typeof WorkerThreads);
}

/** The part of a browser's Worker that the pool uses. */
export interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  addEventListener(type: 'error', listener: (event: { readonly message?: string }) => void): void;
}

interface BrowserGlobals {
  Worker?: new (url: string, options?: { name?: string }) => WebWorker;
  Blob?: new (parts: string[], options: { type: string }) => object;
  URL?: { createObjectURL?(blob: object): string; revokeObjectURL?(url: string): void };
  WorkerGlobalScope?: abstract new () => object;
  document?: object;
}

const web = globalThis as unknown as BrowserGlobals;

/**
 * True on a browser page's main thread (a `document` and no WorkerGlobalScope), where
 * `Atomics.wait` throws, so the backend cannot block on workers there.
 */
export function onBrowserMainThread(): boolean {
  return proc?.versions?.node === undefined && web.document !== undefined &&
    !(web.WorkerGlobalScope !== undefined && globalThis instanceof web.WorkerGlobalScope);
}

/** Web Workers started from a script held in memory (a Blob URL), or null where a browser has none. */
export interface ScriptWorkers {
  /** Starts a Worker running `url` (from `scriptUrl`). */
  start(url: string, name: string): WebWorker;
  /** A URL for a classic script with this text; `revoke` it once every worker using it has started. */
  scriptUrl(source: string): string;
  revoke(url: string): void;
}

/**
 * Browsers' Web Workers and Blob URLs, or null where they are missing (Node, other runtimes) or
 * unusable for the pool: no shared memory (the page is not cross-origin isolated).
 */
export function webWorkers(): ScriptWorkers | null {
  const { Worker, Blob, URL } = web;
  if (Worker === undefined || Blob === undefined || URL?.createObjectURL === undefined || typeof SharedArrayBuffer === 'undefined') return null;
  return {
    start: (url, name) => new Worker(url, { name }),
    scriptUrl: (source) => URL.createObjectURL!(new Blob([source], { type: 'text/javascript' })),
    revoke: (url) => URL.revokeObjectURL?.(url),
  };
}

let relaxedFlagTried = false;

/**
 * Node 20 only, at most once per process: turns on V8's relaxed SIMD with
 * `v8.setFlagsFromString('--experimental-wasm-relaxed-simd')` (Node >= 21 has it on by default, and
 * `NODE_OPTIONS` refuses the flag). The flag is process-wide; modules compiled afterwards may use
 * relaxed SIMD, and worker threads created afterwards have it too. Returns whether it set the flag
 * just now; false elsewhere (other Node versions, where switching it back on would override a user's
 * `--no-` flag, and runtimes without `process.getBuiltinModule`).
 */
export function enableNode20RelaxedSimd(): boolean {
  if (relaxedFlagTried) return false;
  relaxedFlagTried = true;
  if (proc?.versions?.node?.split('.')[0] !== '20') return false;
  const v8 = proc.getBuiltinModule?.('node:v8') as typeof V8 | undefined;
  if (typeof v8?.setFlagsFromString !== 'function') return false;
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return true;
}

/** Logical cores: Node's availableParallelism, else the browser's hardwareConcurrency, else 1. */
export function cores(): number {
  const os = proc?.getBuiltinModule?.('node:os') as typeof Os | undefined;
  const n = os?.availableParallelism?.() ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 ? n : 1;
}

interface NodeBuffer { allocUnsafeSlow(size: number): Uint8Array }

const NodeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;

/**
 * An uninitialised float buffer: from Node's allocator where there is one (no zero fill, and freed
 * memory is reused, so no fresh pages to fault in either), else a plain zero-filled array.
 */
export function uninitialisedFloats(length: number): Float32Array {
  if (NodeBuffer === undefined) return new Float32Array(length);
  const bytes = NodeBuffer.allocUnsafeSlow(length * 4);
  return new Float32Array(bytes.buffer, bytes.byteOffset, length);
}
