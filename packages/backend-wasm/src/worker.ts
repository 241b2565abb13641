// A thread of the wasm backend's pool: instantiates the kernels on the shared memory, then runs the
// jobs the main thread posts in its control slot until told to stop. scripts/embed-worker.mjs
// bundles this file and what it imports into one classic script (WORKER_SOURCE in
// worker.generated.ts), which the pool starts with `eval` in a Node worker thread (the start data
// come as workerData) or from a Blob URL as a browser Web Worker (they come as the first message).
import { splitKernels } from './exports.js';
import type { WasmExports } from './exports.js';
import { wasmApi } from './wasmApi.js';
import { nodeWorkerThreads } from './platform.js';
import { SLOT, ARGS, OP, SEQ, DONE, STATUS, READY, WORKER_SPIN_MS, spinWhile, type PoolData } from './protocol.js';

/** The start data, and the kernel list of the code that started this thread (see threadPool.ts). */
type StartData = PoolData & { readonly kernels?: string };

function serve(data: StartData): void {
  const ctrl = new Int32Array(data.control);
  const args = new Float64Array(data.args);
  const base = data.slot * SLOT, argBase = data.slot * ARGS;
  let fns: WasmExports;
  try {
    // The job numbers index splitKernels: a worker built from other sources would run the wrong kernels.
    if (data.kernels !== undefined && data.kernels !== splitKernels.join()) {
      throw new Error('wasm backend: the worker script is older than the kernels it serves; rebuild @tapegrad/backend-wasm (its prepare script)');
    }
    const instance = new wasmApi.Instance(data.module, { env: { memory: data.memory } });
    fns = instance.exports as unknown as WasmExports;
  } catch (e) {
    // READY = -1: this thread cannot serve (threadPool.ts reports it).
    Atomics.store(ctrl, base + READY, -1);
    Atomics.notify(ctrl, base + READY);
    throw e;
  }

  Atomics.store(ctrl, base + READY, 1);
  Atomics.notify(ctrl, base + READY);
  let seen = 0;
  for (;;) {
    // the next job usually follows within a millisecond: look before sleeping
    if (spinWhile(ctrl, base + SEQ, seen, WORKER_SPIN_MS) === seen) Atomics.wait(ctrl, base + SEQ, seen);
    const seq = Atomics.load(ctrl, base + SEQ);
    if (seq === seen) continue;
    seen = seq;
    const op = ctrl[base + OP]!;
    if (op < 0) break;
    let status = 0;
    try {
      const fn = fns[splitKernels[op]!] as (...a: number[]) => void;
      fn(...args.subarray(argBase, argBase + ctrl[base + OP + 1]!));
    } catch {
      status = 1;
    }
    Atomics.store(ctrl, base + STATUS, status);
    Atomics.store(ctrl, base + DONE, seq);
    Atomics.notify(ctrl, base + DONE);
  }
}

interface MessageScope {
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void, options: { once: boolean }): void;
}

const wt = nodeWorkerThreads();
if (wt !== null && !wt.isMainThread) serve(wt.workerData as StartData);
else (globalThis as unknown as MessageScope).addEventListener('message', (event) => serve(event.data as StartData), { once: true });
