// The fields every figure of a part carries: the backend, its threads, Node and the CPU (and the
// GPU adapter on the webgpu backend).
import { cpus } from 'node:os';
import { getBackend, webGpuHandle } from 'tapegrad';
import type { BenchRecord } from './measure.js';

export function commonRecord(quick: boolean): BenchRecord {
  const be = getBackend() as ReturnType<typeof getBackend> & { threads?: number };
  return {
    backend: be.name,
    threads: be.threads ?? 1,
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    ...(be.name === 'webgpu' ? { adapter: webGpuHandle()?.adapter ?? 'unknown' } : {}),
    ...(quick ? { quick: true } : {}),
  };
}
