// The training Worker of browser.test.ts's page: nin-bn trained two steps at batch 4 on the WebGPU
// bridge (no CPU fallback), then the same steps on the CPU backend; it posts both.
import { Generator, rand, tensor, Variable, F, SGD, createModel } from 'tapegrad';
import { resetBackend } from '@tapegrad/tensor';
import { useWebGpuBackendAsync } from '@tapegrad/backend-webgpu';

interface Run { losses: number[]; params: number[][] }

function train(): Run {
  const g = new Generator(7);
  const model = createModel('nin-bn', { generator: g, dropoutGenerator: new Generator(8) });
  model.train();
  const x = rand([4, 1, 28, 28], { generator: g });
  const y = tensor(Float32Array.from({ length: 4 }, (_, i) => (3 * i + 1) % 10), [4]);
  const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const losses: number[] = [];
  for (let s = 0; s < 2; s++) {
    opt.zeroGrad();
    const loss = F.crossEntropy(model.forward(new Variable(x)), y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return { losses, params: model.parameters().map((p) => Array.from(p.data.toArray())) };
}

const scope = globalThis as unknown as { postMessage(m: unknown): void };
try {
  const gpu = await useWebGpuBackendAsync();
  const onGpu = train();
  gpu.close();
  resetBackend();
  scope.postMessage({ adapter: gpu.adapter, kernels: gpu.kernels.length, gpu: onGpu, cpu: train() });
} catch (e) {
  scope.postMessage({ error: e instanceof Error ? e.message : String(e) });
}
