// The fields every figure of a part carries: the backend, its threads (and whether the wasm backend
// keeps arrays in its memory between kernels), Node and the CPU (and the GPU adapter on the webgpu backend).
import { cpus } from 'node:os';
import { getBackend, webGpuHandle } from 'tapegrad';
import type { BenchRecord } from './measure.js';

export function commonRecord(quick: boolean): BenchRecord {
  const be = getBackend() as ReturnType<typeof getBackend> & { threads?: number; resident?: boolean };
  return {
    backend: be.name,
    threads: be.threads ?? 1,
    ...(be.name === 'wasm' ? { resident: be.resident ?? false } : {}),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    ...(be.name === 'webgpu' ? { adapter: webGpuHandle()?.adapter ?? 'unknown' } : {}),
    ...(quick ? { quick: true } : {}),
  };
}
