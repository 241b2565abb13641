// The same through require('tapegrad') from CommonJS (Node >= 20.19 loads ES modules from require).
const { availableParallelism } = require('node:os');
const { Conv2d, F, Flatten, Linear, ReLU, SGD, Sequential, getBackend, manualSeed, randn, tensor } = require('tapegrad');

manualSeed(0);
const model = new Sequential(new Conv2d(1, 4, 3), new ReLU(), new Flatten(), new Linear(4 * 12 * 12, 10));
const opt = new SGD(model.parameters(), { lr: 0.05 });
const x = randn([16, 1, 14, 14]);
const y = tensor(Array.from({ length: 16 }, (_, i) => i % 10));
const losses = [];
for (let step = 0; step < 5; step++) {
  opt.zeroGrad();
  const loss = F.crossEntropy(model.forward(x), y);
  loss.backward();
  opt.step();
  losses.push(loss.item());
}
console.log(JSON.stringify({ backend: getBackend().name, threads: getBackend().threads ?? 1, cores: availableParallelism(), losses }));
