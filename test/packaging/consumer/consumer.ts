// Type-checked with `tsc --module nodenext --strict`: the published .d.ts files as a user sees them.
import {
  Conv2d, F, GlobalAvgPool2d, SGD, Sequential, Variable, createModel, getBackend, ready, tensor, type Module, type Tensor,
} from 'tapegrad';
import { Tensor as CoreTensor } from '@tapegrad/tensor';

await ready();
const model: Module = new Sequential(new Conv2d(1, 10, 3), new GlobalAvgPool2d());
const x: Variable = new Variable(tensor(new Float32Array(2 * 28 * 28), [2, 1, 28, 28]));
const logits: Variable = model.forward(x);
const loss: Variable = F.crossEntropy(logits, tensor([1, 2]));
loss.backward();
new SGD(model.parameters(), { lr: 0.1, nesterov: true, momentum: 0.9 }).step();
const w: Tensor = model.stateDict()['0.weight']!;
const same: boolean = w instanceof CoreTensor;
const name: string = getBackend().name;
const threads: number | undefined = getBackend().threads;
const nin: Module = createModel('nin-bn');
console.log(same, name, threads, nin.parameters().length);
