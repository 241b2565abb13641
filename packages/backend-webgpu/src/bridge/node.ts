// The synchronous bridge on Node: tapegrad's kernels are synchronous and WebGPU's reads are not, so
// a worker thread owns the device (worker.ts) and the main thread posts each kernel call to it and
// sleeps on a shared flag (Atomics.wait) until the worker has run it and read the outputs back;
// receiveMessageOnPort then takes the answer without returning to the event loop. Every kernel
// call copies its operands to the GPU and its outputs back: correct end to end, but not the final
// design (tensors resident on the GPU between kernels, docs/architecture.md).
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { cpuBackend, setBackend, type Backend } from '@tapegrad/tensor';
import { OUTPUTS, isStrided, type CallMessage, type ReadyMessage, type ReplyMessage } from './calls.js';

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

/**
 * Starts a GPU worker, waits for its device and installs a backend whose kernels run there. By
 * default no kernel falls back to the CPU: one the WebGPU backend lacks throws `webgpu backend: no
 * <kernel> kernel yet`. Throws one line when no adapter exists.
 */
export function useWebGpuBackend(opts: WebGpuBackendOptions = {}): WebGpuBackendHandle {
  const timeoutMs = (opts.timeoutS ?? 300) * 1000;
  // Mesa's EGL reads the C environment, which only the main thread's process.env writes through to
  // (a worker's process.env is its own copy): set platform/node.ts's EGL_PLATFORM here, before the worker starts.
  if (process.env['EGL_PLATFORM'] === undefined) process.env['EGL_PLATFORM'] = 'surfaceless';
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./worker.js', import.meta.url), {
    workerData: { flag, port: port2, adapter: opts.adapter ?? 'any' },
    transferList: [port2],
  });
  worker.unref();
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    port1.close();
    void worker.terminate();
  };
  /** Waits for the worker's next answer. */
  const answer = <T>(what: string): T => {
    if (Atomics.wait(flag, 0, 0, timeoutMs) === 'timed-out') {
      close();
      throw new Error(`webgpu backend: ${what} took more than ${timeoutMs / 1000} s; the GPU worker was stopped`);
    }
    Atomics.store(flag, 0, 0);
    const m = receiveMessageOnPort(port1);
    if (m === undefined) throw new Error(`webgpu backend: ${what}: the GPU worker answered nothing`);
    return m.message as T;
  };
  const ready = answer<ReadyMessage>('finding a WebGPU device');
  if ('error' in ready) {
    close();
    throw new Error(`useWebGpuBackend: ${ready.error}`);
  }
  const counts: Record<string, number> = {};
  const call = (method: string, args: unknown[]): void => {
    counts[method] = (counts[method] ?? 0) + 1;
    if (closed) throw new Error(`webgpu backend: ${method} after close(); install the backend again`);
    port1.postMessage({ method, args } satisfies CallMessage);
    const reply = answer<ReplyMessage>(method);
    if ('error' in reply) throw new Error(reply.error);
    for (const [i, values] of reply.outputs) {
      const a = args[i];
      const host = isStrided(a) ? a.data : a as Float32Array;
      host.set(values);
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
  return { adapter: ready.adapter, kernels: [...onGpu], backend: installed, calls: () => ({ ...counts }), close };
}

/** Output positions known to the bridge (for tests and docs). */
export const bridgedKernels: readonly string[] = Object.keys(OUTPUTS);
