// `#bridge` in browsers: the GPU worker is a module Web Worker. The thread that installs the
// backend must be allowed to block (Atomics.wait): a Worker of a cross-origin-isolated page, not
// the page's main thread.
import { fail } from '@tapegrad/tensor';
import { installBridgeAsync, type GpuWorker, type WebGpuBackendHandle, type WebGpuBackendOptions } from './install.js';

export type { WebGpuBackendHandle, WebGpuBackendOptions } from './install.js';
export { bridgedKernels } from './install.js';

/** The browser's Worker (this package compiles without the DOM library). */
declare const Worker: new (url: URL, options: { type: 'module' }) => { postMessage(m: unknown): void; terminate(): void };

interface WorkerScope { crossOriginIsolated?: boolean; WorkerGlobalScope?: abstract new () => object }

function spawn(): GpuWorker {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  return { post: (m) => worker.postMessage(m), terminate: () => worker.terminate() };
}

function check(fn: string): void {
  const g = globalThis as unknown as WorkerScope;
  if (g.crossOriginIsolated !== true) {
    fail(fn, 'the page is not cross-origin isolated (no SharedArrayBuffer); expected the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp');
  }
  if (g.WorkerGlobalScope === undefined || !(globalThis instanceof g.WorkerGlobalScope)) {
    fail(fn, "a page's main thread cannot wait for the GPU; expected a call from a Web Worker (train in a Worker, as examples/web does)");
  }
}

/**
 * In a browser the GPU worker starts only once this thread yields, so the bridge is installed with
 * useWebGpuBackendAsync; this synchronous form says so.
 */
export function useWebGpuBackend(_opts: WebGpuBackendOptions = {}): WebGpuBackendHandle {
  check('useWebGpuBackend');
  return fail('useWebGpuBackend', 'in a browser the GPU worker starts only once this thread yields; expected await useWebGpuBackendAsync()');
}

/** Starts the GPU worker (a module Worker beside this file), waits for its device and installs the backend. */
export function useWebGpuBackendAsync(opts: WebGpuBackendOptions = {}): Promise<WebGpuBackendHandle> {
  check('useWebGpuBackendAsync');
  return installBridgeAsync('useWebGpuBackendAsync', spawn, opts);
}
