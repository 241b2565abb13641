/**
 * The control block shared by the main thread and the pool's workers: one slot of SLOT int32 per
 * worker (job sequence number, done sequence number, status, op and argument count, ready flag) and
 * ARGS float64 arguments per worker.
 */
import type { WasmMemoryObject, WasmModuleObject } from './wasmApi.js';
export const SLOT = 8;
export const SEQ = 0;
export const DONE = 1;
export const STATUS = 2;
/** The op number; the argument count follows at OP + 1. A negative op stops the worker. */
export const OP = 3;
export const READY = 5;
export const ARGS = 32;

/** What a worker receives at start. */
export interface PoolData {
  readonly module: WasmModuleObject;
  readonly memory: WasmMemoryObject;
  readonly control: SharedArrayBuffer;
  readonly args: SharedArrayBuffer;
  readonly slot: number;
}

/**
 * How long a thread keeps looking at a control field before it sleeps in Atomics.wait: waking a
 * sleeping thread costs ~50 us on a VM, twice per job (the worker's wake, then the main thread's),
 * and a training step posts dozens of jobs with a little JavaScript between them.
 */
export const WORKER_SPIN_MS = 2;
export const MAIN_SPIN_MS = 1;

/**
 * Looks at ctrl[i] until it is no longer `value` or `ms` have passed (without sleeping: the
 * other thread writes it within microseconds when it is about to), and returns what it saw last.
 */
export function spinWhile(ctrl: Int32Array, i: number, value: number, ms: number): number {
  const t0 = performance.now();
  for (;;) {
    for (let k = 0; k < 512; k++) {
      const v = Atomics.load(ctrl, i);
      if (v !== value) return v;
    }
    if (performance.now() - t0 > ms) return value;
  }
}
