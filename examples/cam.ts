// Class activation maps (Zhou et al. 2016) of a GAP classifier. For the NiN head the logit of class
// c is the average of the last conv's class map c, so the map itself shows where the evidence for
// c lies. Writes a PNG grid: for correct and for wrong predictions, the input image, the map of the
// predicted class and the map of the true class, upsampled to 28 x 28 (bilinear) over the image,
// labelled with the dataset's class names.
//
//   pnpm --filter examples run cam -- --epochs 3            (trains docs/recipe.md's nin-bn first)
//   pnpm --filter examples run cam -- --checkpoint runs/example-nin-bn/checkpoint.safetensors
//   pnpm --filter examples run cam -- --dataset fashion-mnist --epochs 3    (class names in the figure)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Generator, type Tensor, Variable, noGrad, F, Sequential, createModel, fit, loadCheckpoint, DataLoader, makeDirectory,
} from 'tapegrad';
import { parseExampleArgs, runIfMain, startBackend, UsageError, type ExampleSpec } from './lib/args.js';
import { loadExampleData, trainLoader, testLoader } from './lib/data.js';
import { recipe } from './lib/recipe.js';
import { camImage } from './lib/camImage.js';

interface Pick { image: Float32Array; label: number; pred: number; predMap: Float32Array; trueMap: Float32Array }

function minMax(v: Float32Array): Float32Array {
  let lo = Infinity, hi = -Infinity;
  for (const x of v) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
  return v.map((x) => (hi > lo ? (x - lo) / (hi - lo) : 0));
}

/** (N, 10, 7, 7) class maps -> map of class c of sample n, upsampled to 28 x 28 and scaled to [0, 1]. */
function camOf(maps28: Tensor, n: number, c: number): Float32Array {
  return minMax(maps28.narrow(0, n, 1).narrow(1, c, 1).toArray());
}

export const SPEC: ExampleSpec = {
  script: 'examples/cam.ts',
  summary: "Class activation maps of nin-bn (trained first for --epochs, or read from --checkpoint) as a PNG grid of correct\nand wrong predictions, labelled with the dataset's class names; writes cam.png and cam.md to --out.",
  flags: ['epochs', 'checkpoint', 'subset', 'seed', 'backend', 'out', 'dataset', 'data'],
  exclusive: [['epochs', 'checkpoint']],
};

export function main(argv: readonly string[]): { correct: number; wrong: number; file: string } {
  const args = parseExampleArgs(argv, { epochs: 3, out: 'runs/cam' }, SPEC);
  const backend = startBackend(args.backend);
  try {
    const data = loadExampleData(SPEC.script, args.dataset, args.data, args.subset);
    const names = data.classNames;
    const model = createModel('nin-bn', { generator: new Generator(args.seed), dropoutGenerator: new Generator(args.seed + 1000) }) as Sequential;
    if (args.checkpoint) {
      const ckpt = loadCheckpoint(args.checkpoint);
      const trainedOn = ckpt.meta?.['dataset'];
      if (typeof trainedOn === 'string' && trainedOn !== args.dataset) {
        throw new UsageError(`${SPEC.script}: --checkpoint ${args.checkpoint} was trained on ${trainedOn}, not ${args.dataset}; expected --dataset ${trainedOn}`);
      }
      model.loadStateDict(ckpt.model);
    } else {
      const train = trainLoader(data.train, args.seed);
      const { optimizer, scheduler } = recipe(model, train.length, args.epochs);
      fit(model, { train, val: testLoader(data.test), optimizer, scheduler, schedulerStep: 'batch', epochs: args.epochs, progress: 'lines' });
    }
    // everything before the global average pooling: (N, 1, 28, 28) -> (N, 10, 7, 7) class maps
    const trunk = new Sequential(...model.layers.slice(0, -1));
    model.eval();
    const correct: Pick[] = [], wrong: Pick[] = [];
    const want = 8;
    noGrad(() => {
      // a shuffled pass, so the picks span every class (the embedded set is ordered by digit)
      for (const { x, y } of new DataLoader(data.test, { batchSize: 256, shuffle: true, generator: new Generator(args.seed + 7) })) {
        const maps = trunk.forward(new Variable(x));
        const logits = F.globalAvgPool2d(maps);
        const preds = logits.argmax(1).toArray(), labels = y.toArray();
        const maps28 = F.interpolate(maps, { size: 28, mode: 'bilinear', alignCorners: false }).data;
        for (let n = 0; n < labels.length; n++) {
          const pred = preds[n]!, label = labels[n]!;
          const bucket = pred === label ? correct : wrong;
          if (bucket.length >= want) continue;
          if (pred === label && correct.some((p) => p.label === label)) continue; // one correct example per class
          const image = x.narrow(0, n, 1).toArray().map((v) => v * data.std + data.mean);
          bucket.push({ image, label, pred, predMap: camOf(maps28, n, pred), trueMap: camOf(maps28, n, label) });
        }
        if (correct.length >= want && wrong.length >= want) break;
      }
    });
    const lines: string[] = [`# Class activation maps (${data.title})`, '', 'Left: correct predictions; right: wrong ones. Each row: the image, the map of the predicted class, the map of the true class (each map scaled from its min to its max).', ''];
    [correct, wrong].forEach((group, gi) => {
      lines.push(`${gi === 0 ? 'correct' : 'wrong'}: ${group.map((p) => `true ${names[p.label]} / predicted ${names[p.pred]}`).join(', ')}`);
    });
    makeDirectory(args.out);
    const file = join(args.out, 'cam.png');
    writeFileSync(file, camImage([{ title: 'correct', picks: correct }, { title: 'wrong', picks: wrong }], names));
    writeFileSync(join(args.out, 'cam.md'), `${lines.join('\n')}\n`);
    console.log(`${lines.slice(4).join('\n')}\nwrote ${file} (${correct.length} correct, ${wrong.length} wrong)`);
    return { correct: correct.length, wrong: wrong.length, file };
  } finally {
    backend.close();
  }
}

runIfMain(import.meta.url, main);
