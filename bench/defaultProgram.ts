// A user's training loop through `tapegrad` with no settings at all (no TAPEGRAD_* variables, no
// setBackend): nin on an even subset of the embedded MNIST set, batch 64, SGD as the CLI's recipe.
// Prints one JSON line per epoch with the images/s of its training loop, measured as `fit` does.
//   tsx bench/defaultProgram.ts [subset] [epochs]
import { cpus } from 'node:os';
import { DataLoader, F, Generator, SGD, createModel, embeddedMnist, evenSubset, getBackend, manualSeed, ready } from 'tapegrad';

await ready();
const subset = Number(process.argv[2] ?? 2048), epochs = Number(process.argv[3] ?? 2);
manualSeed(0);
const train = evenSubset(embeddedMnist().train, subset);
const loader = new DataLoader(train, { batchSize: 64, shuffle: true, generator: new Generator(1) });
const model = createModel('nin');
const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
for (let epoch = 1; epoch <= epochs; epoch++) {
  model.train();
  const t0 = performance.now();
  let seen = 0;
  for (const { x, y } of loader) {
    const loss = F.crossEntropy(model.forward(x), y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    loss.item();
    seen += y.shape[0]!;
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({
    part: 'default', what: 'program', model: 'nin', epoch, backend: getBackend().name, threads: getBackend().threads ?? 1,
    node: process.version, cpu: cpus()[0]?.model ?? 'unknown', imagesPerSecond: seen / seconds,
  }));
}
