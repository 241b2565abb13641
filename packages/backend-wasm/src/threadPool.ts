import type { Worker } from 'node:worker_threads';
import { splitKernels, type SplitKernel, type WasmExports } from './exports.js';
import type { WasmMemoryObject, WasmModuleObject } from './wasmApi.js';
import { nodeWorkerThreads } from './platform.js';
import { SLOT, ARGS, OP, SEQ, DONE, STATUS, READY, type PoolData } from './protocol.js';

/** How long the main thread sleeps in one Atomics.wait before looking again, and when it gives up. */
const WAIT_MS = 1000;
const GIVE_UP_MS = 120_000;

/**
 * Splits a kernel over the main thread and `threads - 1` workers that share one WebAssembly memory.
 * The main thread posts a job to each worker's control slot, runs part 0 itself, then blocks in
 * Atomics.wait (with a timeout: a worker's error event cannot arrive while it blocks) until every
 * worker has marked the job done. So kernels stay synchronous. Workers are unref'd: an idle pool
 * never keeps the process alive.
 *
 * NOTE: in a browser, Atomics.wait throws on the main thread (it works inside a Worker) and shared
 * memory needs a cross-origin-isolated page; there the backend runs with `threads: 1`.
 */
export class ThreadPool {
  readonly threads: number;
  private readonly workers: Worker[] = [];
  private readonly ctrl: Int32Array;
  private readonly args: Float64Array;
  private ready = false;
  private closed = false;
  private seq = 0;

  constructor(module: WasmModuleObject, memory: WasmMemoryObject, threads: number) {
    this.threads = threads;
    const control = new SharedArrayBuffer(Math.max(1, threads - 1) * SLOT * 4);
    const args = new SharedArrayBuffer(Math.max(1, threads - 1) * ARGS * 8);
    this.ctrl = new Int32Array(control);
    this.args = new Float64Array(args);
    // Worker threads run JavaScript: load the build of worker.ts (this file's folder, under dist/).
    const url = new URL('../dist/worker.js', import.meta.url);
    const wt = nodeWorkerThreads();
    if (wt === null) throw new Error(`wasm backend: ${threads} threads need worker threads, and there are none here (Node >= 20.16 has them); expected threads: 1`);
    for (let slot = 0; slot < threads - 1; slot++) {
      const data: PoolData = { module, memory, control, args, slot };
      const w = new wt.Worker(url, { workerData: data });
      w.unref();
      this.workers.push(w);
    }
  }

  /**
   * Runs `kernel(...args, part, parts)` with parts = min(parts, threads): part 0 on this thread,
   * the others on workers. `meanwhile` runs on this thread after the workers have been started and
   * before part 0 (a kernel that waits for its input can start while this thread copies it in).
   * Returns when all parts are done.
   */
  run(fns: WasmExports, kernel: SplitKernel, args: readonly number[], parts: number, meanwhile?: () => void): void {
    const fn = fns[kernel] as (...a: number[]) => void;
    const n = Math.min(parts, this.threads);
    if (n <= 1) {
      meanwhile?.();
      fn(...args, 0, 1);
      return;
    }
    if (this.closed) throw new Error(`wasm backend: ${kernel} called after close(); install a new backend (useWasmBackend)`);
    if (!this.ready) this.waitReady();
    const seq = ++this.seq;
    const op = splitKernels.indexOf(kernel);
    for (let w = 0; w < n - 1; w++) {
      const base = w * SLOT, argBase = w * ARGS;
      for (let i = 0; i < args.length; i++) this.args[argBase + i] = args[i]!;
      this.args[argBase + args.length] = w + 1;
      this.args[argBase + args.length + 1] = n;
      this.ctrl[base + OP] = op;
      this.ctrl[base + OP + 1] = args.length + 2;
      Atomics.store(this.ctrl, base + SEQ, seq);
      Atomics.notify(this.ctrl, base + SEQ);
    }
    let failure: unknown = null;
    try {
      meanwhile?.();
      fn(...args, 0, n);
    } catch (e) {
      failure = e;
    }
    for (let w = 0; w < n - 1; w++) this.waitDone(w, seq);
    if (failure !== null) throw failure;
    for (let w = 0; w < n - 1; w++) {
      if (this.ctrl[w * SLOT + STATUS] !== 0) throw new Error(`wasm backend: worker ${w + 1} failed running ${kernel}`);
    }
  }

  /** Stops the workers (they also stop with the process). */
  close(): void {
    this.closed = true;
    for (let w = 0; w < this.workers.length; w++) {
      this.ctrl[w * SLOT + OP] = -1;
      Atomics.store(this.ctrl, w * SLOT + SEQ, ++this.seq);
      Atomics.notify(this.ctrl, w * SLOT + SEQ);
    }
    this.workers.length = 0;
  }

  private waitReady(): void {
    for (let w = 0; w < this.threads - 1; w++) this.waitFor(w, READY, 1, 'start');
    this.ready = true;
  }

  private waitDone(w: number, seq: number): void {
    this.waitFor(w, DONE, seq, 'finish a job');
  }

  private waitFor(w: number, field: number, want: number, what: string): void {
    const i = w * SLOT + field, t0 = Date.now();
    for (;;) {
      const v = Atomics.load(this.ctrl, i);
      if (v === want) return;
      if (Date.now() - t0 > GIVE_UP_MS) throw new Error(`wasm backend: worker ${w + 1} did not ${what} within ${GIVE_UP_MS / 1000} s`);
      Atomics.wait(this.ctrl, i, v, WAIT_MS);
    }
  }
}
