// The training thread's side of the bridge, for either platform: start the GPU worker (the
// platform's `spawn`), wait for its device, and install a Backend whose kernels post each call to
// it and sleep on the shared flag (Atomics.wait) until the outputs are back in shared memory.
import { cpuBackend, setBackend, type Backend } from '@tapegrad/tensor';
import { OUTPUTS, outputArrays } from './calls.js';
import {
  CONTROL_INTS, DONE, PENDING, STATE, TEXT_BYTES, TEXT_CAPACITY, readText, type BridgeMessage, type ReadyInfo,
} from './protocol.js';

export interface WebGpuBackendOptions {
  /** Which adapters to accept (see acquireDevice): 'any' (default), 'hardware' or 'software'. */
  readonly adapter?: 'any' | 'hardware' | 'software';
  /** Seconds to wait for the device, and for any one kernel call. @default 300 */
  readonly timeoutS?: number;
  /**
   * What a kernel the GPU lacks does: 'none' (default) throws `webgpu backend: no <kernel> kernel
   * yet`; 'cpu' runs the CPU reference kernel instead (how the PyTorch fixture tests run every op
   * with whatever kernels the GPU has).
   */
  readonly fallback?: 'none' | 'cpu';
}

/** The installed backend: what runs it, and how to stop it. */
export interface WebGpuBackendHandle {
  /** The adapter in one line (vendor, architecture, description, how it was reached). */
  readonly adapter: string;
  /** The kernels that run on the GPU; every other one throws, naming itself (or runs on the CPU with fallback 'cpu'). */
  readonly kernels: readonly string[];
  /** The Backend object (already installed with setBackend). */
  readonly backend: Backend;
  /** How many calls each kernel has run on the GPU so far. */
  calls(): Readonly<Record<string, number>>;
  /** Stops the GPU worker; the backend's kernels throw afterwards. */
  close(): void;
}

/** A started GPU worker, as the platform made it. */
export interface GpuWorker {
  post(message: BridgeMessage): void;
  terminate(): void;
}

/** Output floats: room for the largest call so far. */
function sharedFloats(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(Math.max(1, n) * 4));
}

/** A GPU worker started and sent its shared memory, not yet answered. */
interface Started {
  readonly control: Int32Array;
  readonly text: Uint8Array;
  out: Float32Array;
  readonly worker: GpuWorker;
  readonly timeoutMs: number;
  closed: boolean;
}

function start(spawn: () => GpuWorker, opts: WebGpuBackendOptions): Started {
  const st: Started = {
    control: new Int32Array(new SharedArrayBuffer(CONTROL_INTS * 4)),
    text: new Uint8Array(new SharedArrayBuffer(TEXT_CAPACITY)),
    out: sharedFloats(1 << 20),
    worker: spawn(),
    timeoutMs: (opts.timeoutS ?? 300) * 1000,
    closed: false,
  };
  st.worker.post({ kind: 'init', control: st.control, text: st.text, out: st.out, adapter: opts.adapter ?? 'any' });
  return st;
}

function close(st: Started): void {
  if (st.closed) return;
  st.closed = true;
  st.worker.terminate();
}

/** The worker's answer once control says it is there: its text on success; throws its error. */
function take(st: Started): string {
  const state = Atomics.load(st.control, STATE);
  const message = readText(st.text, Atomics.load(st.control, TEXT_BYTES));
  Atomics.store(st.control, STATE, PENDING);
  if (state !== DONE) throw new Error(message);
  return message;
}

/** Waits (blocking this thread) for the answer to what was just posted. */
function answer(st: Started, what: string): string {
  if (Atomics.wait(st.control, STATE, PENDING, st.timeoutMs) === 'timed-out') {
    close(st);
    throw new Error(`webgpu backend: ${what} took more than ${st.timeoutMs / 1000} s; the GPU worker was stopped`);
  }
  return take(st);
}

/** Waits without blocking (the GPU worker may need this thread's event loop to start, as in Chromium). */
async function answerAsync(st: Started, what: string): Promise<string> {
  // Atomics.waitAsync (ES2024; Node >= 16, Chromium >= 87), typed here for the ES2022 library
  const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, t: number): { async: boolean; value: 'ok' | 'not-equal' | 'timed-out' | Promise<'ok' | 'timed-out'> } }).waitAsync;
  const r = waitAsync(st.control, STATE, PENDING, st.timeoutMs);
  if ((r.async ? await r.value : r.value) === 'timed-out') {
    close(st);
    throw new Error(`webgpu backend: ${what} took more than ${st.timeoutMs / 1000} s; the GPU worker was stopped`);
  }
  return take(st);
}

/**
 * Starts the GPU worker with `spawn`, waits (blocking) for its device and installs the backend. By
 * default no kernel falls back to the CPU. Throws one line when no adapter exists.
 */
export function installBridge(fn: string, spawn: () => GpuWorker, opts: WebGpuBackendOptions): WebGpuBackendHandle {
  const st = start(spawn, opts);
  let ready: string;
  try {
    ready = answer(st, 'finding a WebGPU device');
  } catch (e) {
    close(st);
    throw new Error(`${fn}: ${(e as Error).message}`);
  }
  return install(st, JSON.parse(ready) as ReadyInfo, opts);
}

/** installBridge, waiting for the device without blocking this thread (needed in browsers). */
export async function installBridgeAsync(fn: string, spawn: () => GpuWorker, opts: WebGpuBackendOptions): Promise<WebGpuBackendHandle> {
  const st = start(spawn, opts);
  let ready: string;
  try {
    ready = await answerAsync(st, 'finding a WebGPU device');
  } catch (e) {
    close(st);
    throw new Error(`${fn}: ${(e as Error).message}`);
  }
  return install(st, JSON.parse(ready) as ReadyInfo, opts);
}

/** Installs the backend whose kernels post each call to the started worker and wait for it. */
function install(st: Started, ready: ReadyInfo, opts: WebGpuBackendOptions): WebGpuBackendHandle {
  const counts: Record<string, number> = {};
  const call = (method: string, args: unknown[]): void => {
    if (st.closed) throw new Error(`webgpu backend: ${method} after close(); install the backend again`);
    counts[method] = (counts[method] ?? 0) + 1;
    const hosts = outputArrays(method, args);
    const need = hosts.reduce((s, h) => s + h.length, 0);
    let grown: Float32Array | undefined;
    if (need > st.out.length) st.out = grown = sharedFloats(Math.max(need, 2 * st.out.length));
    st.worker.post({ kind: 'call', method, args, ...(grown ? { out: grown } : {}) });
    answer(st, method);
    let at = 0;
    for (const h of hosts) {
      h.set(st.out.subarray(at, at + h.length));
      at += h.length;
    }
  };
  const onGpu = new Set(ready.kernels);
  const backend: Record<string, unknown> = { name: 'webgpu' };
  for (const [key, v] of Object.entries(cpuBackend)) {
    if (typeof v !== 'function') continue;
    if (key === 'alloc' || key === 'empty') backend[key] = (n: number) => new Float32Array(n);
    else if (onGpu.has(key)) backend[key] = (...args: unknown[]) => call(key, args);
    else if (opts.fallback === 'cpu') backend[key] = v;
    else backend[key] = () => { throw new Error(`webgpu backend: no ${key} kernel yet (no CPU fallback)`); };
  }
  const installed = backend as unknown as Backend;
  setBackend(installed);
  return { adapter: ready.adapter, kernels: [...onGpu], backend: installed, calls: () => ({ ...counts }), close: () => close(st) };
}

/** Output positions known to the bridge (for tests and docs). */
export const bridgedKernels: readonly string[] = Object.keys(OUTPUTS);
