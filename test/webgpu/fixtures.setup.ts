// Setup file of the webgpu-fixtures test area: every PyTorch fixture test file runs on the WebGPU
// kernels through the synchronous bridge, tensors resident on the GPU between kernels; the kernels
// the GPU lacks run on the CPU reference ones (fallback 'cpu', their operands brought back to the
// host first), so each fixture checks whichever of its kernels the GPU has, and the residency rules.
import { appendFileSync } from 'node:fs';
import { afterAll } from 'vitest';
import { resetBackend } from '@tapegrad/tensor';
import { useWebGpuBackend } from '@tapegrad/backend-webgpu';

const gpu = useWebGpuBackend({ fallback: 'cpu' });

afterAll(() => {
  // TAPEGRAD_WEBGPU_CALLS=FILE: one JSON line per test file with its GPU calls per kernel
  const file = process.env['TAPEGRAD_WEBGPU_CALLS'];
  if (file !== undefined && file !== '') appendFileSync(file, `${JSON.stringify(gpu.calls())}\n`);
  resetBackend();
  gpu.close();
});
