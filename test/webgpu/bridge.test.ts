// The WebGPU backend end to end through the synchronous bridge (packages/backend-webgpu/src/bridge)
// in its copying form (resident: false; resident.test.ts has the default, resident form):
// the canonical models train a few steps at batch 4 with every kernel on the GPU (no CPU fallback)
// and agree with the same steps on the CPU backend; a kernel the backend lacks throws, naming itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackend, resetBackend, setBackend } from '@tapegrad/tensor';
import { useWebGpuBackend, type WebGpuBackendHandle } from '@tapegrad/backend-webgpu';
import { expectCloseRuns, trainSteps } from './helpers.js';

const BATCH = 4, STEPS = 2;

let gpu: WebGpuBackendHandle | null = null;
let failure: string | null = null;
beforeAll(() => {
  try {
    gpu = useWebGpuBackend({ resident: false });
    console.log(`webgpu bridge: ${gpu.adapter}; ${gpu.kernels.length} kernels on the GPU`);
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
  } finally {
    resetBackend();
  }
});
afterAll(() => { gpu?.close(); resetBackend(); });

function onGpu<T>(f: () => T): T {
  if (gpu === null) throw new Error(failure ?? 'no WebGPU backend');
  setBackend(gpu.backend);
  try {
    return f();
  } finally {
    resetBackend();
  }
}

describe('webgpu backend through the synchronous bridge', () => {
  it('throws, naming the kernel, where the GPU has none (no CPU fallback)', () => {
    onGpu(() => {
      expect(getBackend().name).toBe('webgpu');
      expect(() => getBackend().maxPool3d(new Float32Array(8), {
        planes: 1, inD: 2, inH: 2, inW: 2, outD: 1, outH: 1, outW: 1, kD: 2, kH: 2, kW: 2, sD: 2, sH: 2, sW: 2, pD: 0, pH: 0, pW: 0, dD: 1, dH: 1, dW: 1,
      }, new Float32Array(1), new Float32Array(1))).toThrow(/^webgpu backend: no maxPool3d kernel yet/);
    });
  });

  for (const name of ['nin', 'nin-bn', 'squeezenet'] as const) {
    it(`${name}: ${STEPS} training steps at batch ${BATCH} agree with the CPU backend`, () => {
      const cpu = trainSteps(name, STEPS, BATCH);
      expectCloseRuns(onGpu(() => trainSteps(name, STEPS, BATCH)), cpu);
    }, 600_000);
  }
});
