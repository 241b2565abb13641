// Makes the browser test's checkpoint fixture: nin-bn trained briefly with the main job's recipe
// (`tapegrad train --epochs N --seed S`: the schedule planned for N epochs, so N = 2 is 250 steps of
// batch 64, one epoch of warm-up then cosine to 0), saved as `save(model.stateDict(), path)` writes
// it: a plain safetensors file of the state dict (no optimiser state), which the page's "Load
// weights" reads. Writes fixtures/nin-bn-fixture.safetensors and fixtures/nin-bn-fixture.json (the
// settings, the test accuracy on the 2,004 embedded test images, the size).
//
//   pnpm exec tsx examples/web/scripts/make-fixture.ts [--epochs 2] [--seed 0]
import { statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DataLoader, Generator, SGD, createModel, embeddedMnist, evaluate, fit, getBackend, manualSeed, save, warmupCosine,
} from 'tapegrad';

const DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

function main(argv: string[]): void {
  const { values } = parseArgs({ args: argv, options: { epochs: { type: 'string', default: '2' }, seed: { type: 'string', default: '0' } } });
  const epochs = Number(values.epochs), seed = Number(values.seed);
  if (!Number.isInteger(epochs) || epochs < 1 || !Number.isInteger(seed) || seed < 0) throw new Error(`--epochs ${values.epochs} --seed ${values.seed}: expected a positive and a non-negative integer`);
  const { train, test } = embeddedMnist();
  // as packages/tapegrad/src/cli/train.ts sets a run up
  manualSeed(seed);
  const loader = new DataLoader(train, { batchSize: 64, shuffle: true, generator: new Generator(seed + 1) });
  const model = createModel('nin-bn');
  const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
  const scheduler = warmupCosine(optimizer, loader.length, epochs * loader.length);
  const testLoader = new DataLoader(test, { batchSize: 256 });
  const t0 = performance.now();
  fit(model, { train: loader, optimizer, scheduler, schedulerStep: 'batch', epochs, progress: 'lines', log: (l) => console.log(l) });
  const seconds = (performance.now() - t0) / 1000;
  const { accuracy } = evaluate(model, testLoader);
  const file = `${DIR}nin-bn-fixture.safetensors`;
  save(model.stateDict(), file);
  const bytes = statSync(file).size;
  const info = {
    model: 'nin-bn', recipe: 'docs/recipe.md (tapegrad train defaults)', epochs, steps: epochs * loader.length, seed,
    testAccuracy: accuracy, testImages: test.length, bytes, backend: `${getBackend().name} (${getBackend().threads ?? 1} threads)`,
    trainSeconds: Math.round(seconds),
  };
  writeFileSync(`${DIR}nin-bn-fixture.json`, `${JSON.stringify(info, null, 2)}\n`);
  console.log(`${file}: ${bytes.toLocaleString('en')} bytes, ${info.steps} steps, test accuracy ${(100 * accuracy).toFixed(2)} % (${test.length} images), ${seconds.toFixed(0)} s`);
}

main(process.argv.slice(2));
