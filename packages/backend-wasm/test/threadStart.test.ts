// How the pool's threads start: the worker script is embedded (WORKER_SOURCE, run with `eval` by
// Node's worker_threads and from a Blob URL by browsers), `useWasmBackendAsync` resolves once every
// thread has started, and a worker built from another kernel list refuses to serve.
import { afterEach, describe, expect, it } from 'vitest';
import { getBackend, kernels, resetBackend, tensor } from '@tapegrad/tensor';
import { useWasmBackendAsync } from '../src/ready.js';
import { ThreadPool } from '../src/threadPool.js';
import { compileKernels } from '../src/memory.js';
import { wasmApi } from '../src/wasmApi.js';
import { WORKER_SOURCE } from '../src/worker.generated.js';
import { SPLIT_KERNELS, splitKernels } from '../src/exports.js';

afterEach(() => resetBackend());

describe('the pool threads', () => {
  it('the embedded worker script is the build of the current kernel list', () => {
    // the bundle holds the registration table (minified: name:{args:["a","b"],...}) it numbers kernels by
    for (const k of splitKernels) {
      expect(WORKER_SOURCE).toContain(`${k}:{args:[${SPLIT_KERNELS[k].args.map((a) => `"${a}"`).join(',')}]`);
    }
  });

  it('useWasmBackendAsync resolves with the backend installed and its threads started', async () => {
    const backend = await useWasmBackendAsync({ threads: 2, thresholds: 'none' });
    expect(getBackend().gemm).toBe(backend.gemm);
    expect(getBackend().threads).toBe(2);
    const a = tensor(Float32Array.from({ length: 64 * 48 }, (_, i) => (i % 13) - 6), [64, 48]);
    const b = tensor(Float32Array.from({ length: 48 * 40 }, (_, i) => (i % 7) - 3), [48, 40]);
    const got = kernels.matmul(a, b).toArray();
    resetBackend();
    expect(Array.from(got)).toEqual(Array.from(kernels.matmul(a, b).toArray()));
    backend.close();
  });

  it('a pool started with a kernel list the worker script was not built from fails to start, naming why', async () => {
    const module = compileKernels('plain');
    const memory = new wasmApi.Memory({ initial: 1, maximum: 16384, shared: true });
    const real = splitKernels.join;
    // The pool sends splitKernels.join(); make it differ from the worker's own list.
    (splitKernels as unknown as { join: () => string }).join = () => 'gemm,somethingElse';
    let pool: ThreadPool;
    try {
      pool = new ThreadPool(module, memory, 2);
    } finally {
      (splitKernels as unknown as { join: typeof real }).join = real;
    }
    await expect(pool.started()).rejects.toThrow(/^wasm backend: worker 1 failed to start/);
    pool.close();
  });
});
