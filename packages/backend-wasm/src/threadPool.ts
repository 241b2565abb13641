import { splitKernels, type SplitKernel, type WasmExports } from './exports.js';
import type { WasmMemoryObject, WasmModuleObject } from './wasmApi.js';
import { nodeWorkerThreads, onBrowserMainThread, webWorkers } from './platform.js';
import { SLOT, ARGS, OP, SEQ, DONE, STATUS, READY, MAIN_SPIN_MS, spinWhile, type PoolData } from './protocol.js';
import { WORKER_SOURCE } from './worker.generated.js';

/** How long the main thread sleeps in one Atomics.wait before looking again, and when it gives up. */
const WAIT_MS = 1000;
const GIVE_UP_MS = 120_000;

/** A started worker, whichever kind. */
interface PoolWorker {
  stop(): void;
}

/** The pools not closed yet: `poolsStarted` waits for them. */
const live = new Set<ThreadPool>();

/**
 * Resolves once every worker of every open pool has started (instantiated the kernels); rejects
 * naming the worker that failed to. Browsers start Web Workers only while the thread that created
 * them is back in its event loop, so there this is how to know the threads are in use.
 */
export function poolsStarted(): Promise<void> {
  return Promise.all([...live].map((p) => p.started())).then(() => undefined);
}

/**
 * Splits a kernel over the main thread and `threads - 1` workers that share one WebAssembly memory.
 * The main thread posts a job to each worker's control slot, runs part 0 itself, then blocks in
 * Atomics.wait (with a timeout: a worker's error event cannot arrive while it blocks) until every
 * worker has marked the job done. So kernels stay synchronous.
 *
 * Workers run WORKER_SOURCE (src/worker.ts bundled at build time): in Node as `worker_threads`
 * (unref'd: an idle pool never keeps the process alive), in a browser as Web Workers from a Blob
 * URL, so no bundler needs to know about a worker file. A browser starts those only once the
 * creating thread returns to its event loop, so there the pool never blocks waiting for them: until
 * they have all started (`poolsStarted`), kernels run on this thread alone. A page's main thread
 * cannot block in Atomics.wait at all: there a pool is refused (the backend runs with one thread).
 */
export class ThreadPool {
  readonly threads: number;
  private readonly workers: PoolWorker[] = [];
  private readonly ctrl: Int32Array;
  private readonly args: Float64Array;
  /** True for Web Workers: never block waiting for them to start. */
  private readonly web: boolean;
  private ready = false;
  private closed = false;
  private seq = 0;
  /** A worker's error message, by worker number (1-based), once one was reported. */
  private readonly errors = new Map<number, string>();
  private starting: Promise<void> | null = null;
  private readonly release: () => void;

  constructor(module: WasmModuleObject, memory: WasmMemoryObject, threads: number) {
    this.threads = threads;
    const control = new SharedArrayBuffer(Math.max(1, threads - 1) * SLOT * 4);
    const args = new SharedArrayBuffer(Math.max(1, threads - 1) * ARGS * 8);
    this.ctrl = new Int32Array(control);
    this.args = new Float64Array(args);
    // `kernels` lets a worker check that it was built from the same kernel list (jobs are numbers).
    const startData = (slot: number): PoolData & { kernels: string } => ({ module, memory, control, args, slot, kernels: splitKernels.join() });
    const wt = nodeWorkerThreads();
    const browser = wt === null ? webWorkers() : null;
    if (wt === null && (browser === null || onBrowserMainThread())) {
      const why = browser !== null
        ? "a page's main thread cannot block in Atomics.wait; expected threads: 1 there, or the backend inside a Worker"
        : 'there are no worker threads here (Node >= 20.16 has them, and so does a Worker of a cross-origin-isolated page); expected threads: 1';
      throw new Error(`wasm backend: ${threads} threads need worker threads: ${why}`);
    }
    this.web = wt === null;
    if (wt !== null) {
      for (let slot = 0; slot < threads - 1; slot++) {
        const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: startData(slot) });
        w.on('error', (e: Error) => this.errors.set(slot + 1, e.message));
        w.unref();
        this.workers.push({ stop: () => undefined });
      }
      this.release = () => undefined;
    } else {
      const url = browser!.scriptUrl(WORKER_SOURCE);
      for (let slot = 0; slot < threads - 1; slot++) {
        const w = browser!.start(url, `tapegrad wasm ${slot + 1}`);
        w.addEventListener('error', (e) => this.errors.set(slot + 1, e.message ?? 'an error'));
        w.postMessage(startData(slot));
        this.workers.push({ stop: () => w.terminate() });
      }
      this.release = () => browser!.revoke(url);
    }
    live.add(this);
  }

  /**
   * Runs `kernel(...args, part, parts)` with parts = min(parts, threads): part 0 on this thread,
   * the others on workers. `meanwhile` runs on this thread after the workers have been started and
   * before part 0 (a kernel that waits for its input can start while this thread copies it in).
   * Returns when all parts are done.
   */
  run(fns: WasmExports, kernel: SplitKernel, args: readonly number[], parts: number, meanwhile?: () => void): void {
    const fn = fns[kernel] as (...a: number[]) => void;
    let n = Math.min(parts, this.threads);
    if (n > 1 && this.closed) throw new Error(`wasm backend: ${kernel} called after close(); install a new backend (useWasmBackend)`);
    if (n > 1 && !this.ready && !this.checkReady()) n = 1;
    if (n <= 1) {
      meanwhile?.();
      fn(...args, 0, 1);
      return;
    }
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

  /**
   * Resolves once every worker has started; rejects if one failed to (or none started within two
   * minutes). Polls, so it works on any thread and never blocks.
   */
  started(): Promise<void> {
    this.starting ??= new Promise<void>((resolve, reject) => {
      const t0 = Date.now();
      const poll = (): void => {
        try {
          if (this.closed || this.checkReady()) {
            resolve();
            return;
          }
          if (Date.now() - t0 > GIVE_UP_MS) throw new Error(`wasm backend: the worker threads did not start within ${GIVE_UP_MS / 1000} s`);
        } catch (e) {
          reject(e as Error);
          return;
        }
        setTimeout(poll, 2);
      };
      poll();
    });
    return this.starting;
  }

  /** Stops the workers (they also stop with the process). */
  close(): void {
    this.closed = true;
    for (let w = 0; w < this.workers.length; w++) {
      this.ctrl[w * SLOT + OP] = -1;
      Atomics.store(this.ctrl, w * SLOT + SEQ, ++this.seq);
      Atomics.notify(this.ctrl, w * SLOT + SEQ);
      this.workers[w]!.stop();
    }
    this.workers.length = 0;
    this.release();
    live.delete(this);
  }

  /**
   * Whether every worker has started. Node's worker threads start on their own, so this blocks
   * until they have; Web Workers need this thread's event loop to start, so there it only looks.
   * Throws if a worker failed to start.
   */
  private checkReady(): boolean {
    for (let w = 0; w < this.threads - 1; w++) {
      if (this.web) {
        const v = Atomics.load(this.ctrl, w * SLOT + READY);
        if (v === -1 || this.errors.has(w + 1)) this.failedToStart(w);
        if (v !== 1) return false;
      } else {
        this.waitFor(w, READY, 1, 'start');
      }
    }
    this.ready = true;
    this.release();
    return true;
  }

  private failedToStart(w: number): never {
    const why = this.errors.get(w + 1);
    throw new Error(`wasm backend: worker ${w + 1} failed to start${why === undefined ? '' : ` (${why})`}; expected the kernels to instantiate on the shared memory`);
  }

  private waitDone(w: number, seq: number): void {
    this.waitFor(w, DONE, seq, 'finish a job');
  }

  private waitFor(w: number, field: number, want: number, what: string): void {
    const i = w * SLOT + field, t0 = Date.now();
    // a job's parts end close together: look a while before sleeping
    if (field === DONE) {
      const v = Atomics.load(this.ctrl, i);
      if (v === want || spinWhile(this.ctrl, i, v, MAIN_SPIN_MS) === want) return;
    }
    for (;;) {
      const v = Atomics.load(this.ctrl, i);
      if (v === want) return;
      if (field === READY && v === -1) this.failedToStart(w);
      if (Date.now() - t0 > GIVE_UP_MS) throw new Error(`wasm backend: worker ${w + 1} did not ${what} within ${GIVE_UP_MS / 1000} s`);
      Atomics.wait(this.ctrl, i, v, WAIT_MS);
    }
  }
}
