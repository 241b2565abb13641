import { Generator, randn, tensor } from '@tapegrad/tensor';
import { F, type Module } from '@tapegrad/nn';
import { SGD } from '@tapegrad/train';

/**
 * `steps` SGD steps on random (N, 1, 28, 28) images with random labels, so the weights and the
 * batch-norm running statistics are no longer their initial values. Leaves the model in eval mode.
 */
export function trainFewSteps(model: Module, steps: number, seed: number): Module {
  const g = new Generator(seed);
  const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  model.train();
  for (let i = 0; i < steps; i++) {
    const x = randn([8, 1, 28, 28], { generator: g });
    const y = tensor(Array.from({ length: 8 }, () => g.randint(10)));
    const loss = F.crossEntropy(model.forward(x), y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
  }
  return model.eval();
}
