// The GPU worker of the synchronous bridge: it owns the WebGPU device, and for each posted kernel
// call uploads the operands, runs the kernel, reads the outputs back and answers; then it wakes the
// main thread, which waits on a shared flag (node.ts). Node's worker_threads only.
import { parentPort, workerData } from 'node:worker_threads';
import { createWebGpuKernels, type WebGpuKernels } from '../kernels.js';
import { adapterInfo } from '../device.js';
import { ConvPoolKernels } from '../convPoolKernels.js';
import { NormLossOptimKernels } from '../normLossOptimKernels.js';
import {
  OUTPUTS, isEpilogueOutput, isStrided, type CallMessage, type ReadyMessage, type ReplyMessage,
} from './calls.js';

interface BridgeData {
  readonly flag: Int32Array;
  readonly port: import('node:worker_threads').MessagePort;
  readonly adapter: 'any' | 'hardware' | 'software';
}

const { flag, port, adapter } = workerData as BridgeData;

function wake(): void {
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

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

async function run(kernels: WebGpuKernels, sets: readonly object[], m: CallMessage): Promise<ReplyMessage> {
  const kernel = kernelOf(sets, m.method);
  if (kernel === null) return { error: `webgpu backend: no ${m.method} kernel` };
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
    const outputs: [number, Float32Array][] = [];
    for (const i of OUTPUTS[m.method]!) {
      const a = m.args[i];
      const host = isStrided(a) ? a.data : a instanceof Float32Array ? a : null;
      if (host !== null) outputs.push([i, await runner.read(bufferOf(host), host.length)]);
    }
    runner.throwIfFailed();
    return { outputs };
  } finally {
    for (const b of buffers.values()) b.destroy();
  }
}

async function main(): Promise<void> {
  let kernels: WebGpuKernels;
  try {
    kernels = await createWebGpuKernels({ adapter });
  } catch (e) {
    port.postMessage({ error: firstLine(e) } satisfies ReadyMessage);
    wake();
    return;
  }
  const sets = kernelSets(kernels);
  const names = Object.keys(OUTPUTS).filter((k) => kernelOf(sets, k) !== null);
  port.postMessage({ adapter: adapterInfo(kernels.runner.gpu), kernels: names } satisfies ReadyMessage);
  wake();
  port.on('message', (m: CallMessage) => {
    run(kernels, sets, m).then(
      (reply) => { port.postMessage(reply); wake(); },
      (e: unknown) => { port.postMessage({ error: `${m.method}: ${firstLine(e)}` } satisfies ReplyMessage); wake(); },
    );
  });
}

if (parentPort === null) throw new Error('backend-webgpu: bridge/worker.js runs only as a worker thread');
void main();
