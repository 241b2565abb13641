// Trains one of the canonical models (docs/benchmark.md / docs/recipe.md) on the embedded MNIST set with
// docs/recipe.md's optimiser and schedule; reports test accuracy, wall time and images/s, and saves a
// checkpoint (checkpoint.safetensors, metrics.jsonl, curves.svg in --out).
//
//   pnpm --filter examples run train -- --model nin-bn --epochs 15
//   pnpm --filter examples run train -- --model squeezenet --epochs 15
import { Generator, createModel, fit, MODEL_NAMES, type ModelName, type FitResult } from 'tapegrad';
import { parseExampleArgs, runIfMain, startBackend, type ExampleSpec } from './lib/args.js';
import { loadMnist, trainLoader, testLoader } from './lib/data.js';
import { recipe } from './lib/recipe.js';

export const SPEC: ExampleSpec = {
  script: 'examples/train.ts',
  summary: "Trains a canonical model on the embedded MNIST set with docs/recipe.md's optimiser and schedule; reports test\naccuracy, wall time and images/s; writes checkpoint.safetensors, metrics.jsonl and curves.svg to --out.",
  flags: ['model', 'epochs', 'subset', 'seed', 'backend', 'out'],
  models: MODEL_NAMES,
};

export function main(argv: readonly string[]): FitResult & { seconds: number; imagesPerSecond: number } {
  const args = parseExampleArgs(argv, { epochs: 15, out: 'runs/example-<model>', model: 'nin-bn' }, SPEC);
  const name = args.model as ModelName;
  const out = args.out;
  const backend = startBackend(args.backend);
  try {
    const data = loadMnist(args.subset);
    const model = createModel(name, { generator: new Generator(args.seed), dropoutGenerator: new Generator(args.seed + 1000) });
    const train = trainLoader(data.train, args.seed);
    const { optimizer, scheduler } = recipe(model, train.length, args.epochs);
    console.log(`${name}: ${model.numParameters().toLocaleString('en')} parameters, ${data.train.length} train / ${data.test.length} test images, ${args.epochs} epochs, backend ${backend.label}`);
    const t0 = performance.now();
    const res = fit(model, {
      train, val: testLoader(data.test), optimizer, scheduler, schedulerStep: 'batch', epochs: args.epochs,
      outDir: out, progress: 'auto', meta: { model: name },
    });
    const seconds = (performance.now() - t0) / 1000;
    const trainSeconds = res.history.reduce((s, r) => s + r.seconds, 0);
    const imagesPerSecond = (data.train.length * res.history.length) / trainSeconds;
    console.log(`${name}: test accuracy ${(100 * (res.val?.accuracy ?? NaN)).toFixed(2)} %, wall time ${seconds.toFixed(1)} s (training ${trainSeconds.toFixed(1)} s, ${imagesPerSecond.toFixed(0)} img/s), checkpoint in ${out}`);
    return { ...res, seconds, imagesPerSecond };
  } finally {
    backend.close();
  }
}

runIfMain(import.meta.url, main);
