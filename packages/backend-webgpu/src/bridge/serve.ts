// The GPU worker's side of the bridge, for either platform: it owns the WebGPU device and runs each
// posted kernel call (upload the operands, run, read the outputs back into the shared floats).
import { createWebGpuKernels, type WebGpuKernels } from '../kernels.js';
import { adapterInfo } from '../device.js';
import { ConvPoolKernels } from '../convPoolKernels.js';
import { NormLossOptimKernels } from '../normLossOptimKernels.js';
import { OUTPUTS, isEpilogueOutput, isStrided, outputArrays } from './calls.js';
import {
  DONE, FAILED, STATE, TEXT_BYTES, writeText, type BridgeMessage, type CallMessage, type InitMessage, type ReadyInfo,
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

/** Runs one call; its outputs go one after the other into `out`. */
async function run(kernels: WebGpuKernels, sets: readonly object[], m: CallMessage, out: Float32Array): Promise<void> {
  const kernel = kernelOf(sets, m.method);
  if (kernel === null) throw new Error(`webgpu backend: no ${m.method} kernel`);
  const runner = kernels.runner;
  // one GPU buffer per distinct host array (the clone keeps identity within a message)
  const buffers = new Map<Float32Array | Int32Array, GPUBuffer>();
  const bufferOf = (a: Float32Array | Int32Array): GPUBuffer => {
    let b = buffers.get(a);
    if (b === undefined) { b = runner.upload(a); buffers.set(a, b); }
    return b;
  };
  const toGpu = (v: unknown): unknown => {
    if (v instanceof Float32Array || v instanceof Int32Array) return bufferOf(v);
    if (isStrided(v)) return { buffer: bufferOf(v.data), strides: v.strides, offset: v.offset };
    if (isEpilogueOutput(v)) return { kind: v.kind, out: bufferOf(v.out) };
    return v;
  };
  try {
    kernel(...m.args.map(toGpu));
    let at = 0;
    for (const host of outputArrays(m.method, m.args)) {
      out.set(await runner.read(bufferOf(host), host.length), at);
      at += host.length;
    }
    runner.throwIfFailed();
  } finally {
    for (const b of buffers.values()) b.destroy();
  }
}

/**
 * Serves the bridge on a worker: `listen` registers the message handler (worker_threads' parentPort
 * or a browser Worker's self). Messages are handled one at a time, in order.
 */
export function serveBridge(listen: (handler: (m: BridgeMessage) => void) => void): void {
  let init: InitMessage | null = null;
  let out: Float32Array | null = null;
  let device: Promise<{ kernels: WebGpuKernels; sets: readonly object[] }> | null = null;
  let queue: Promise<void> = Promise.resolve();
  const finish = (state: number, message = ''): void => {
    const c = init!.control;
    Atomics.store(c, TEXT_BYTES, message === '' ? 0 : writeText(init!.text, message));
    Atomics.store(c, STATE, state);
    Atomics.notify(c, STATE);
  };
  listen((m) => {
    queue = queue.then(async () => {
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
      if (m.out !== undefined) out = m.out;
      try {
        const { kernels, sets } = await device!;
        await run(kernels, sets, m, out!);
        finish(DONE);
      } catch (e) {
        finish(FAILED, `${m.method}: ${firstLine(e)}`);
      }
    });
  });
}
