// `#bridge` on Node: the GPU worker is a worker_threads Worker (unref'd: an idle bridge never keeps
// a process alive). tapegrad's kernels are synchronous and a GPU read is not, so the worker owns the
// device; kernel calls are posted without waiting and their outputs stay on the GPU (resident.ts);
// the main thread waits only when it reads values back (install.ts, docs/architecture.md).
import { Worker } from 'node:worker_threads';
import { installBridge, installBridgeAsync, type GpuWorker, type WebGpuBackendHandle, type WebGpuBackendOptions } from './install.js';

export type { WebGpuBackendHandle, WebGpuBackendOptions } from './install.js';
export { bridgedKernels } from './install.js';

/**
 * Starts a GPU worker, waits for its device and installs a backend whose kernels run there. By
 * default no kernel falls back to the CPU: one the WebGPU backend lacks throws `webgpu backend: no
 * <kernel> kernel yet`. Throws one line when no adapter exists.
 */
export function useWebGpuBackend(opts: WebGpuBackendOptions = {}): WebGpuBackendHandle {
  return installBridge('useWebGpuBackend', spawn, opts);
}

/** useWebGpuBackend without blocking this thread while the device starts (the browsers' form; the same here). */
export function useWebGpuBackendAsync(opts: WebGpuBackendOptions = {}): Promise<WebGpuBackendHandle> {
  return installBridgeAsync('useWebGpuBackendAsync', spawn, opts);
}

function spawn(): GpuWorker {
  // Mesa's EGL reads the C environment, which only the main thread's process.env writes through to
  // (a worker's process.env is its own copy): set platform/node.ts's EGL_PLATFORM here, before the worker starts.
  if (process.env['EGL_PLATFORM'] === undefined) process.env['EGL_PLATFORM'] = 'surfaceless';
  const worker = new Worker(new URL('./worker.js', import.meta.url));
  worker.unref();
  return {
    post: (m) => worker.postMessage(m),
    terminate: () => void worker.terminate(),
    // a process ending with the worker inside a Dawn call aborts: the exit waits for its close answer
    atExit: (f) => {
      process.once('exit', f);
      return () => void process.off('exit', f);
    },
  };
}
