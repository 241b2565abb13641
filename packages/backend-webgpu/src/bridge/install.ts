// The training thread's side of the bridge, for either platform: start the GPU worker (the
// platform's `spawn`), wait for its device, and install a Backend whose kernels post each call to
// it and sleep on the shared flag (Atomics.wait) until the outputs are back in shared memory.
import { cpuBackend, hostArgs, markFresh, registerOwner, setBackend, unregisterOwner, type Backend } from '@tapegrad/tensor';
import { OUTPUTS, outputArrays, stridedArrayOf } from './calls.js';
import { ResidentArrays } from './resident.js';
import { CONTROL_INTS, TEXT_CAPACITY, type ReadyInfo, type ResidentStats } from './protocol.js';
import { answer, answerAsync, close, take, waitAnswerAsync, type GpuWorker, type Started } from './answer.js';

export type { GpuWorker } from './answer.js';

export interface WebGpuBackendOptions {
  /** Which adapters to accept (see acquireDevice): 'any' (default), 'hardware' or 'software'. */
  readonly adapter?: 'any' | 'hardware' | 'software';
  /** Seconds to wait for the device, and for any one kernel call. @default 300 */
  readonly timeoutS?: number;
  /**
   * What a kernel the GPU lacks does: 'none' (default) throws `webgpu backend: no <kernel> kernel
   * yet`; 'cpu' runs the CPU reference kernel instead (how the PyTorch fixture tests run every op
   * with whatever kernels the GPU has).
   */
  readonly fallback?: 'none' | 'cpu';
  /**
   * Keep tensors on the GPU between kernels (docs/architecture.md): a call's outputs stay there and
   * come back only when the host reads them (`toArray()`, `item()`, `data`); a GPU buffer unused for
   * a few step boundaries is brought back to the host and freed. `false`: every call copies its
   * operands to the GPU and reads its outputs back (the first form of the bridge). @default true
   */
  readonly resident?: boolean;
  /**
   * The most bytes of resident GPU buffers: past it (a long loop with no step boundary, such as
   * inference inside one noGrad) the least recently used arrays come back to the host.
   * @default 4 GiB
   */
  readonly residentBytes?: number;
}

/** The installed backend: what runs it, and how to stop it. */
export interface WebGpuBackendHandle {
  /** The adapter in one line (vendor, architecture, description, how it was reached). */
  readonly adapter: string;
  /** The kernels that run on the GPU; every other one throws, naming itself (or runs on the CPU with fallback 'cpu'). */
  readonly kernels: readonly string[];
  /** The Backend object (already installed with setBackend). */
  readonly backend: Backend;
  /**
   * How many calls each kernel has run on the GPU so far; resident, also `(read)`: the reads that
   * brought values back, of which `(read, waited for)` waited for the work posted before them (a
   * read of values still on the GPU; the others were taken later, without draining the GPU).
   */
  calls(): Readonly<Record<string, number>>;
  /** Bytes the resident mode has brought back from the GPU so far (reads of values, and arrays expired at step boundaries). */
  readBytes(): number;
  /**
   * The resident buffers (resident mode; zeros otherwise): as the training thread counts them and
   * as the GPU worker holds them (waits for every call posted so far).
   */
  residentStats(): { readonly host: ResidentStats; readonly gpu: ResidentStats };
  /**
   * Brings back the values still on the GPU, then stops the GPU worker in order (it finishes what was
   * posted and frees its buffers and device); the backend's kernels throw afterwards. A Node process
   * that exits without close() stops the worker the same way, without the read-back.
   */
  close(): void;
}

/** Output floats: room for the largest call so far. */
function sharedFloats(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(Math.max(1, n) * 4));
}

function start(spawn: () => GpuWorker, opts: WebGpuBackendOptions): Started {
  const st: Started = {
    control: new Int32Array(new SharedArrayBuffer(CONTROL_INTS * 4)),
    text: new Uint8Array(new SharedArrayBuffer(TEXT_CAPACITY)),
    out: sharedFloats(1 << 20),
    worker: spawn(),
    timeoutMs: (opts.timeoutS ?? 300) * 1000,
    closed: false,
    untie: () => {},
  };
  st.worker.post({ kind: 'init', control: st.control, text: st.text, out: st.out, adapter: opts.adapter ?? 'any' });
  return st;
}

/**
 * Starts the GPU worker with `spawn`, waits (blocking) for its device and installs the backend. By
 * default no kernel falls back to the CPU. Throws one line when no adapter exists.
 */
export function installBridge(fn: string, spawn: () => GpuWorker, opts: WebGpuBackendOptions): WebGpuBackendHandle {
  const st = start(spawn, opts);
  let ready: string;
  try {
    ready = answer(st, 'finding a WebGPU device');
  } catch (e) {
    close(st);
    throw new Error(`${fn}: ${(e as Error).message}`);
  }
  return install(st, JSON.parse(ready) as ReadyInfo, opts);
}

/** installBridge, waiting for the device without blocking this thread (needed in browsers). */
export async function installBridgeAsync(fn: string, spawn: () => GpuWorker, opts: WebGpuBackendOptions): Promise<WebGpuBackendHandle> {
  const st = start(spawn, opts);
  let ready: string;
  try {
    ready = await answerAsync(st, 'finding a WebGPU device');
  } catch (e) {
    close(st);
    throw new Error(`${fn}: ${(e as Error).message}`);
  }
  return install(st, JSON.parse(ready) as ReadyInfo, opts);
}

/** Installs the backend whose kernels post each call to the started worker (and, unless resident, wait for it). */
function install(st: Started, ready: ReadyInfo, opts: WebGpuBackendOptions): WebGpuBackendHandle {
  const counts: Record<string, number> = {};
  /** A deferred read's failure, thrown by the next call. */
  let deferredError: Error | null = null;
  const open = (method: string): void => {
    if (st.closed) throw new Error(`webgpu backend: ${method} after close(); install the backend again`);
    if (deferredError !== null) {
      const e = deferredError;
      deferredError = null;
      throw e;
    }
  };
  /** Room for `need` output floats in shared memory: the new array to send when it had to grow. */
  const room = (need: number): Float32Array | undefined => {
    if (need <= st.out.length) return undefined;
    return (st.out = sharedFloats(Math.max(need, 2 * st.out.length)));
  };
  /**
   * A read posted without waiting and not yet taken: `take` copies its floats out of shared memory.
   * A blocking wait takes it first (the answer slot is one); so does the next deferred read.
   */
  let pending: { readonly take: () => void; readonly done: Promise<void> } | null = null;
  const copyOut = (into: readonly Float32Array[]): void => {
    let at = 0;
    for (const a of into) {
      a.set(st.out.subarray(at, at + a.length));
      at += a.length;
    }
  };
  /** Takes an outstanding deferred read's answer (blocking), so the next message's answer is the one awaited. */
  const settle = (): void => {
    if (pending === null) return;
    const p = pending;
    pending = null;
    answer(st, 'read');
    p.take();
  };
  /** Posts a read and leaves it pending; returns its entry (`done` resolves once it is taken). */
  const postDeferred = (ids: readonly number[], lengths: readonly number[], onData: (out: Float32Array) => void): { take: () => void; done: Promise<void> } => {
    settle();
    postRead(ids, lengths);
    let finished!: () => void;
    const done = new Promise<void>((r) => { finished = r; });
    const mine = { take: () => { try { onData(st.out); } finally { finished(); } }, done };
    pending = mine;
    return mine;
  };
  const call = (method: string, given: unknown[]): void => {
    open(method);
    settle();
    counts[method] = (counts[method] ?? 0) + 1;
    // a Tensor passed as a StridedArray travels as a plain { data, strides, offset } (a clone keeps
    // own fields only, and a Tensor's `data` is a getter)
    const args = given.map((v) => {
      const data = stridedArrayOf(v);
      const s = v as { strides: readonly number[]; offset: number };
      return data === null ? v : { data, strides: s.strides, offset: s.offset };
    });
    const hosts = outputArrays(method, args);
    const grown = room(hosts.reduce((s, h) => s + h.length, 0));
    st.worker.post({ kind: 'call', method, args, ...(grown ? { out: grown } : {}) });
    answer(st, method);
    copyOut(hosts);
  };
  let readBytes = 0;
  const postRead = (ids: readonly number[], lengths: readonly number[]): void => {
    counts['(read)'] = (counts['(read)'] ?? 0) + 1;
    for (const n of lengths) readBytes += 4 * n;
    const grown = room(lengths.reduce((a, b) => a + b, 0));
    st.worker.post({ kind: 'read', ids, lengths, ...(grown ? { out: grown } : {}) });
  };
  const backend: Record<string, unknown> = { name: 'webgpu' };
  const resident = opts.resident !== false ? new ResidentArrays(backend, {
    call: (method, args) => {
      open(method);
      counts[method] = (counts[method] ?? 0) + 1;
      st.worker.post({ kind: 'call', method, args, resident: true });
    },
    read: (ids, into) => {
      open('read');
      settle();
      counts['(read, waited for)'] = (counts['(read, waited for)'] ?? 0) + 1;
      postRead(ids, into.map((a) => a.length));
      answer(st, 'read');
      copyOut(into);
    },
    flush: () => {
      if (!st.closed) settle();
    },
    readDeferred: (ids, lengths, onData) => {
      open('read');
      const mine = postDeferred(ids, lengths, onData);
      // taken by the next blocking wait, or here once this thread yields; a failure surfaces at the next call
      void waitAnswerAsync(st, 'read', () => pending === mine).then(() => {
        if (pending !== mine) return;
        pending = null;
        take(st);
        mine.take();
      }).catch((e: unknown) => { deferredError ??= e instanceof Error ? e : new Error(String(e)); });
    },
    readAsync: async (ids, into) => {
      open('read');
      const mine = postDeferred(ids, into.map((a) => a.length), () => copyOut(into));
      await waitAnswerAsync(st, 'read', () => pending === mine);
      // unless a blocking wait took it meanwhile (and copied it), the answer is ours
      if (pending === mine) {
        pending = null;
        take(st);
        mine.take();
      }
      await mine.done;
    },
    free: (ids) => {
      if (!st.closed) st.worker.post({ kind: 'free', ids });
    },
  }, opts.residentBytes ?? 4 * 2 ** 30) : null;
  const onGpu = new Set(ready.kernels);
  for (const [key, v] of Object.entries(cpuBackend)) {
    if (typeof v !== 'function') continue;
    if (key === 'alloc') {
      backend[key] = (n: number) => new Float32Array(n);
    } else if (key === 'empty') {
      // contents unspecified, so the first kernel writing it needs none of the host's (alloc's
      // zeros may have been overwritten on the host since: create.ts fills them)
      backend[key] = resident === null ? (n: number) => new Float32Array(n) : (n: number) => {
        const a = new Float32Array(n);
        markFresh(a.buffer);
        return a;
      };
    } else if (onGpu.has(key)) {
      backend[key] = resident === null ? (...args: unknown[]) => call(key, args) : (...args: unknown[]) => resident.call(key, args);
    } else if (opts.fallback === 'cpu' || key === 'fillMask') {
      // (a dropout mask's draws are one sequence from the host's generator: always drawn on the host)
      const cpu = v as (...args: unknown[]) => unknown;
      backend[key] = resident === null ? cpu : (...args: unknown[]) => {
        hostArgs(args);
        return cpu(...args);
      };
    } else {
      backend[key] = () => { throw new Error(`webgpu backend: no ${key} kernel yet (no CPU fallback)`); };
    }
  }
  /**
   * Ends the worker in order: it runs what was posted, destroys its buffers and device, and answers
   * before the thread ends (ending it in the middle of a call into the WebGPU implementation, as a
   * process exit would, can abort the whole process).
   */
  const shutDown = (): void => {
    if (st.closed) return;
    try {
      settle();
    } catch { /* that read's failure no longer matters: the worker is ending */ }
    if (st.closed) return;
    try {
      st.worker.post({ kind: 'close' });
      answer(st, 'close');
    } catch { /* a worker that did not answer in time was stopped by answer() */ }
    close(st);
  };
  st.untie = st.worker.atExit?.(shutDown) ?? (() => {});
  const installed = backend as unknown as Backend;
  if (resident !== null) registerOwner(resident);
  setBackend(installed);
  const none: ResidentStats = { buffers: 0, bytes: 0 };
  return {
    adapter: ready.adapter,
    kernels: [...onGpu],
    backend: installed,
    calls: () => ({ ...counts }),
    readBytes: () => readBytes,
    residentStats: () => {
      if (resident === null) return { host: none, gpu: none };
      open('residentStats');
      settle();
      st.worker.post({ kind: 'stats' });
      return { host: resident.stats(), gpu: JSON.parse(answer(st, 'residentStats')) as ResidentStats };
    },
    close: () => {
      if (st.closed) return;
      if (resident !== null) {
        // the values held on the GPU come back before the worker stops (or, if they cannot, are marked lost)
        try {
          unregisterOwner(resident);
        } catch (e) {
          resident.releaseAll(`webgpu backend: this tensor's values were on the GPU and are lost: ${(e as Error).message.split('\n')[0]}`);
        }
      }
      shutDown();
    },
  };
}

/** Output positions known to the bridge (for tests and docs). */
export const bridgedKernels: readonly string[] = Object.keys(OUTPUTS);
