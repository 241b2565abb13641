// The asynchronous way to install the wasm backend, for browsers: there the pool's Web Workers
// start only while the thread that created them is back in its event loop.
import { resetBackend } from '@tapegrad/tensor';
import { useWasmBackend, type WasmBackend, type WasmBackendOptions } from './index.js';
import { poolsStarted } from './threadPool.js';
import { kernelBuild } from './context.js';
import { compileKernelsAsync } from './memory.js';

/**
 * `useWasmBackend(opts)` after compiling the kernels asynchronously (a page's main thread may
 * refuse a large synchronous compile), resolved once the backend runs at full width: every worker
 * thread has started. In Node that is at once; in a browser Worker (cross-origin isolated) the Web Workers
 * start after this thread yields, and until then kernels run on one thread. Rejects if a worker
 * fails to start; the backend is then closed and the CPU backend active again.
 */
export async function useWasmBackendAsync(opts: WasmBackendOptions = {}): Promise<WasmBackend> {
  await compileKernelsAsync(kernelBuild(opts));
  const backend = useWasmBackend(opts);
  try {
    await poolsStarted();
  } catch (e) {
    backend.close();
    resetBackend();
    throw e;
  }
  return backend;
}
