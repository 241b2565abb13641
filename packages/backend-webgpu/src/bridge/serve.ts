// The GPU worker's side of the bridge, for either platform: it owns the WebGPU device and runs each
// posted kernel call (upload the operands, run, read the outputs back into the shared floats).
import { createWebGpuKernels, type WebGpuKernels } from '../kernels.js';
import { adapterInfo } from '../device.js';
import { ConvPoolKernels } from '../convPoolKernels.js';
import { NormLossOptimKernels } from '../normLossOptimKernels.js';
import { OUTPUTS, isEpilogueMessage, isStridedMessage, outputArrays } from './calls.js';
import {
  DONE, FAILED, STATE, TEXT_BYTES, isResidentRef, writeText,
  type BridgeMessage, type CallMessage, type InitMessage, type ReadyInfo, type ResidentRef, type ResidentStats,
} from './protocol.js';

type Method = (...args: unknown[]) => void;

/** The kernel sets on one device, searched in order for a Backend method. */
function kernelSets(kernels: WebGpuKernels): readonly object[] {
  return [kernels, new ConvPoolKernels(kernels.runner), new NormLossOptimKernels(kernels.runner)];
}

/** The kernel `method` of the first set that has it, if the bridge knows its outputs. */
function kernelOf(sets: readonly object[], method: string): Method | null {
  if (OUTPUTS[method] === undefined) return null;
  for (const set of sets) {
    const f = (set as Record<string, unknown>)[method];
    if (typeof f === 'function') return (f as Method).bind(set);
  }
  return null;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

/** The GPU buffers the worker keeps between calls of the resident mode, by id. */
type Resident = Map<number, GPUBuffer>;

/**
 * Runs one call. Plain arrays are uploaded for the call and destroyed after it; ResidentRefs name
 * buffers kept in `resident` (made on first use). Without `out` (the resident mode) nothing is read
 * back; with it the outputs go one after the other into `out`.
 */
async function run(kernels: WebGpuKernels, sets: readonly object[], m: CallMessage, resident: Resident, out: Float32Array | null): Promise<void> {
  const kernel = kernelOf(sets, m.method);
  if (kernel === null) throw new Error(`webgpu backend: no ${m.method} kernel`);
  const runner = kernels.runner;
  // one GPU buffer per distinct host array (the clone keeps identity within a message)
  const temps = new Map<unknown, GPUBuffer>();
  const tempOf = (a: Float32Array | Int32Array): GPUBuffer => {
    let b = temps.get(a);
    if (b === undefined) { b = runner.upload(a); temps.set(a, b); }
    return b;
  };
  const residentOf = (r: ResidentRef): GPUBuffer => {
    let b = resident.get(r.$ref);
    if (b === undefined) {
      b = r.init !== undefined ? runner.upload(r.init) : runner.alloc(r.full);
      resident.set(r.$ref, b);
    }
    if (r.offset === 0 && r.length === r.full) return b;
    // a subarray operand: its floats copied into a buffer of their own for this call
    const key = `${r.$ref}:${r.offset}:${r.length}`;
    let part = temps.get(key);
    if (part === undefined) {
      part = runner.alloc(r.length);
      runner.copyRange(b, r.offset, part, r.length);
      temps.set(key, part);
    }
    return part;
  };
  const arrayOf = (v: unknown): GPUBuffer =>
    (isResidentRef(v) ? residentOf(v) : tempOf(v as Float32Array | Int32Array));
  const toGpu = (v: unknown): unknown => {
    if (v instanceof Float32Array || v instanceof Int32Array || isResidentRef(v)) return arrayOf(v);
    if (isStridedMessage(v)) return { buffer: arrayOf(v.data), strides: v.strides, offset: v.offset };
    if (isEpilogueMessage(v)) return { kind: v.kind, out: arrayOf(v.out) };
    return v;
  };
  try {
    kernel(...m.args.map(toGpu));
    if (out !== null) {
      let at = 0;
      for (const host of outputArrays(m.method, m.args)) {
        out.set(await runner.read(tempOf(host), host.length), at);
        at += host.length;
      }
    }
    runner.throwIfFailed();
  } finally {
    for (const b of temps.values()) b.destroy();
  }
}

/**
 * Destroys the resident buffers and the device, and waits (at most a second) until the device says
 * it is lost, so that no callback of the WebGPU implementation is left to run on this thread.
 */
async function shutDown(device: Promise<{ kernels: WebGpuKernels }> | null, resident: Resident): Promise<void> {
  for (const b of resident.values()) b.destroy();
  resident.clear();
  if (device === null) return;
  let kernels: WebGpuKernels;
  try {
    ({ kernels } = await device);
  } catch {
    return; // no device was made
  }
  const lost = kernels.runner.gpu.device.lost;
  kernels.destroy();
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([lost, new Promise<void>((r) => { timer = setTimeout(r, 1000); })]);
  clearTimeout(timer);
}

/**
 * Serves the bridge on a worker: `listen` registers the message handler (worker_threads' parentPort
 * or a browser Worker's self). Messages are handled one at a time, in order. After the close
 * message has been answered, `stop` ends the listening (the thread then has nothing left to run).
 */
export function serveBridge(listen: (handler: (m: BridgeMessage) => void) => void, stop: () => void): void {
  let init: InitMessage | null = null;
  let out: Float32Array | null = null;
  let device: Promise<{ kernels: WebGpuKernels; sets: readonly object[] }> | null = null;
  let queue: Promise<void> = Promise.resolve();
  const resident: Resident = new Map();
  /** The first failure of a resident call, reported at the next read or stats. */
  let failed: string | null = null;
  const finish = (state: number, message = ''): void => {
    const c = init!.control;
    Atomics.store(c, TEXT_BYTES, message === '' ? 0 : writeText(init!.text, message));
    Atomics.store(c, STATE, state);
    Atomics.notify(c, STATE);
  };
  let closed = false;
  listen((m) => {
    queue = queue.then(async () => {
      if (closed) return;
      if (m.kind === 'close') {
        closed = true;
        await shutDown(device, resident);
        finish(DONE);
        stop();
        return;
      }
      if (m.kind === 'init') {
        init = m;
        out = m.out;
        device = createWebGpuKernels({ adapter: m.adapter }).then((kernels) => ({ kernels, sets: kernelSets(kernels) }));
        try {
          const { kernels, sets } = await device;
          const names = Object.keys(OUTPUTS).filter((k) => kernelOf(sets, k) !== null);
          finish(DONE, JSON.stringify({ adapter: adapterInfo(kernels.runner.gpu), kernels: names } satisfies ReadyInfo));
        } catch (e) {
          finish(FAILED, firstLine(e));
        }
        return;
      }
      if (m.kind === 'free') {
        for (const id of m.ids) {
          resident.get(id)?.destroy();
          resident.delete(id);
        }
        return;
      }
      if (m.kind === 'stats') {
        if (failed !== null) { finish(FAILED, failed); failed = null; return; }
        let bytes = 0;
        for (const b of resident.values()) bytes += b.size;
        finish(DONE, JSON.stringify({ buffers: resident.size, bytes } satisfies ResidentStats));
        return;
      }
      if (m.out !== undefined) out = m.out;
      if (m.kind === 'read') {
        // a resident call's failure surfaces at the next read
        if (failed !== null) { finish(FAILED, failed); failed = null; return; }
        try {
          const { kernels } = await device!;
          const reads = m.ids.map((id, i) => {
            const b = resident.get(id);
            if (b === undefined) throw new Error(`webgpu backend: no resident buffer ${id}`);
            return kernels.runner.read(b, m.lengths[i]);
          });
          let at = 0;
          for (const [i, r] of reads.entries()) {
            out!.set(await r, at);
            at += m.lengths[i]!;
          }
          finish(DONE);
        } catch (e) {
          finish(FAILED, `read: ${firstLine(e)}`);
        }
        return;
      }
      if (m.resident === true) {
        if (failed !== null) return; // after a failure the resident buffers are not trusted: every call waits for the report
        try {
          const { kernels, sets } = await device!;
          await run(kernels, sets, m, resident, null);
        } catch (e) {
          failed = `${m.method}: ${firstLine(e)}`;
        }
        return;
      }
      try {
        const { kernels, sets } = await device!;
        await run(kernels, sets, m, resident, out!);
        finish(DONE);
      } catch (e) {
        finish(FAILED, `${m.method}: ${firstLine(e)}`);
      }
    });
  });
}
