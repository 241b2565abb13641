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
