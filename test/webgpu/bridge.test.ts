// The WebGPU backend end to end through the synchronous bridge (packages/backend-webgpu/src/bridge)
// in its copying form (resident: false; resident.test.ts has the default, resident form):
// the canonical models train a few steps at batch 4 with every kernel on the GPU (no CPU fallback)
// and agree with the same steps on the CPU backend; a kernel the backend lacks throws, naming itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Generator, rand, tensor, Variable, F, SGD, createModel, type ModelName } from 'tapegrad';
import { getBackend, resetBackend, setBackend } from '@tapegrad/tensor';
import { useWebGpuBackend, type WebGpuBackendHandle } from '@tapegrad/backend-webgpu';

const BATCH = 4, STEPS = 2;

interface Run { losses: number[]; params: Float32Array[] }

/** STEPS SGD steps of `name` from a seeded init on fixed data, on the active backend. */
function train(name: ModelName): Run {
  const g = new Generator(7);
  const model = createModel(name, { generator: g, dropoutGenerator: new Generator(8) });
  model.train();
  const x = rand([BATCH, 1, 28, 28], { generator: g });
  const y = tensor(Float32Array.from({ length: BATCH }, (_, i) => (3 * i + 1) % 10), [BATCH]);
  const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const losses: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    opt.zeroGrad();
    const loss = F.crossEntropy(model.forward(new Variable(x)), y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return { losses, params: model.parameters().map((p) => p.data.toArray()) };
}

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
      const cpu = train(name);
      const got = onGpu(() => train(name));
      for (let s = 0; s < STEPS; s++) expect(Math.abs(got.losses[s]! - cpu.losses[s]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(cpu.losses[s]!)));
      expect(got.params.length).toBe(cpu.params.length);
      let worst = 0;
      cpu.params.forEach((want, i) => {
        const have = got.params[i]!;
        let scale = 0;
        for (let k = 0; k < want.length; k++) scale = Math.max(scale, Math.abs(want[k]!));
        // at least 1e-2: nin-bn's conv biases (zero at init, followed by batch norm) have a true
        // gradient of 0, so their values after a step are rounding noise of either backend (~1e-10)
        for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(have[k]! - want[k]!) / Math.max(scale, 1e-2));
      });
      // float32 accumulation on the GPU against the CPU reference's float64 sums
      expect(worst).toBeLessThan(1e-4);
    }, 600_000);
  }
});
