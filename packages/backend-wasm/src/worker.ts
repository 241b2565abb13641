// A thread of the wasm backend's pool: instantiates the kernels on the shared memory, then runs the
// jobs the main thread posts in its control slot until told to stop. Loaded from the build
// (dist/worker.js) because worker threads run plain JavaScript.
import { workerData } from 'node:worker_threads';
import { splitKernels } from './exports.js';
import type { WasmExports } from './exports.js';
import { wasmApi } from './wasmApi.js';
import { SLOT, ARGS, OP, SEQ, DONE, STATUS, READY, type PoolData } from './protocol.js';

const data = workerData as PoolData;
const instance = new wasmApi.Instance(data.module, { env: { memory: data.memory } });
const fns = instance.exports as unknown as WasmExports;
const ctrl = new Int32Array(data.control);
const args = new Float64Array(data.args);
const base = data.slot * SLOT, argBase = data.slot * ARGS;

Atomics.store(ctrl, base + READY, 1);
Atomics.notify(ctrl, base + READY);
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, base + SEQ, seen);
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
