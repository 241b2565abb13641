// Trains a small CNN for a few steps through the installed `tapegrad` (ESM) and prints what ran.
import { availableParallelism } from 'node:os';
import {
  Conv2d, F, Flatten, Linear, MaxPool2d, ReLU, SGD, Sequential, getBackend, manualSeed, randn, ready, tensor,
} from 'tapegrad';

await ready();
manualSeed(0);
const model = new Sequential(new Conv2d(1, 8, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(8 * 7 * 7, 10));
const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
const x = randn([32, 1, 14, 14]);
const y = tensor(Array.from({ length: 32 }, (_, i) => i % 10));
const losses = [];
for (let step = 0; step < 8; step++) {
  opt.zeroGrad();
  const loss = F.crossEntropy(model.forward(x), y);
  loss.backward();
  opt.step();
  losses.push(loss.item());
}
console.log(JSON.stringify({ backend: getBackend().name, threads: getBackend().threads ?? 1, cores: availableParallelism(), losses }));
