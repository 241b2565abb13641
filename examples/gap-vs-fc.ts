// GAP versus flatten+FC: four heads on the same BatchNorm NiN trunk, trained with the same seed,
// recipe and epochs, then compared on parameters, multiply-adds, train time, test accuracy,
// accuracy on test images shifted 3 px right and down, and on test images padded to 36 x 36.
//
//   pnpm --filter examples run gap-vs-fc -- --epochs 5 [--subset 2000] [--out runs/gap-vs-fc]
//   pnpm --filter examples run gap-vs-fc -- --dataset fashion-mnist [--data DIR]     (docs/datasets.md)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fit, evaluate, makeDirectory, summarize, type EpochResult } from 'tapegrad';
import { parseExampleArgs, runIfMain, startBackend, type ExampleSpec } from './lib/args.js';
import { loadExampleData, trainLoader, testLoader, shift, padded, background } from './lib/data.js';
import { recipe } from './lib/recipe.js';
import { HEADS, HEAD_TITLES, buildModel, headParameters, type HeadName } from './lib/heads.js';
import { compareGapWays, type GapWay } from './lib/gapWays.js';
import { lineChart } from './lib/svg.js';

export interface HeadResult {
  head: HeadName;
  headParams: number;
  totalParams: number;
  multiplyAdds: number;
  trainSeconds: number;
  testAccuracy: number;
  shiftedAccuracy: number;
  /** Accuracy on 36 x 36 inputs, or the error the model raised. */
  padded36: number | string;
  history: EpochResult[];
}

const pct = (v: number): string => `${(100 * v).toFixed(2)} %`;

export function table(rows: readonly HeadResult[]): string {
  const head = '| head | head params | total params | multiply-adds / image | train time | test acc | shifted 3 px | padded 36x36 |\n|---|---:|---:|---:|---:|---:|---:|---|';
  const body = rows.map((r) => `| ${HEAD_TITLES[r.head]} | ${r.headParams.toLocaleString('en')} | ${r.totalParams.toLocaleString('en')} | ${(r.multiplyAdds / 1e6).toFixed(2)} M | ${r.trainSeconds.toFixed(1)} s | ${pct(r.testAccuracy)} | ${pct(r.shiftedAccuracy)} | ${typeof r.padded36 === 'number' ? pct(r.padded36) : `error: \`${r.padded36}\``} |`);
  return [head, ...body].join('\n');
}

export function gapTable(ways: readonly GapWay[], shape: readonly number[]): string {
  const head = `| GAP on (${shape.join(', ')}) | max diff vs globalAvgPool2d (out / grad) | forward | forward + backward |\n|---|---|---:|---:|`;
  return [head, ...ways.map((w) => `| \`${w.name}\` | ${w.maxDiff.toExponential(1)} / ${w.maxGradDiff.toExponential(1)} | ${w.forwardMs.toFixed(2)} ms | ${w.forwardBackwardMs.toFixed(1)} ms |`)].join('\n');
}

export const SPEC: ExampleSpec = {
  script: 'examples/gap-vs-fc.ts',
  summary: 'The same BatchNorm NiN trunk with four heads (NiN 1x1 conv + GAP, GAP + Linear, flatten + FC, GeM), same seed and\nrecipe; writes results.md, results.json, accuracy.svg and loss.svg to --out.',
  flags: ['epochs', 'subset', 'seed', 'backend', 'out', 'dataset', 'data'],
};

export function main(argv: readonly string[]): { rows: HeadResult[]; ways: GapWay[]; markdown: string } {
  const args = parseExampleArgs(argv, { epochs: 5, out: 'runs/gap-vs-fc' }, SPEC);
  const backend = startBackend(args.backend);
  try {
    const data = loadExampleData(SPEC.script, args.dataset, args.data, args.subset);
    const fill = background(data);
    const title = data.dir === null ? data.title : `${data.title} in ${data.dir}`;
    console.log(`GAP vs flatten+FC on ${title}: ${data.train.length} train / ${data.test.length} test images, ${args.epochs} epochs per head, seed ${args.seed}, backend ${backend.label}`);
    const rows: HeadResult[] = [];
    for (const head of HEADS) {
      const model = buildModel(head, args.seed);
      const train = trainLoader(data.train, args.seed);
      const { optimizer, scheduler } = recipe(model, train.length, args.epochs);
      const t0 = performance.now();
      const res = fit(model, {
        train, val: testLoader(data.test), optimizer, scheduler, schedulerStep: 'batch', epochs: args.epochs,
        progress: 'lines', log: (line) => console.log(`  [${head}] ${line}`),
      });
      const trainSeconds = res.history.reduce((s, r) => s + r.seconds, 0);
      let padded36: number | string;
      try {
        padded36 = evaluate(model, testLoader(data.test, [padded(36, fill)])).accuracy;
      } catch (e) {
        padded36 = (e as Error).message;
      }
      rows.push({
        head, headParams: headParameters(model), totalParams: model.numParameters(),
        multiplyAdds: summarize(model, [1, 28, 28]).multiplyAdds, trainSeconds,
        testAccuracy: res.val?.accuracy ?? evaluate(model, testLoader(data.test)).accuracy,
        shiftedAccuracy: evaluate(model, testLoader(data.test, [shift(3, 3, fill)])).accuracy,
        padded36, history: res.history,
      });
      console.log(`  [${head}] done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const shape = args.subset !== null && args.subset < 1000 ? [4, 8, 16, 16] : [64, 96, 64, 64];
    const ways = compareGapWays(shape, args.subset !== null && args.subset < 1000 ? 1 : 5);
    const markdown = `${table(rows)}\n\n${gapTable(ways, shape)}\n`;
    makeDirectory(args.out);
    writeFileSync(join(args.out, 'results.md'), `# GAP versus flatten+FC (${data.title}, ${data.train.length} train / ${data.test.length} test, ${args.epochs} epochs, seed ${args.seed}, ${backend.label})\n\n${markdown}`);
    writeFileSync(join(args.out, 'results.json'), JSON.stringify({ rows, ways }, null, 1));
    writeFileSync(join(args.out, 'accuracy.svg'), lineChart('test accuracy per epoch', 'test accuracy (%)',
      rows.map((r) => ({ name: HEAD_TITLES[r.head], values: r.history.map((h) => 100 * (h.valAccuracy ?? NaN)) }))));
    writeFileSync(join(args.out, 'loss.svg'), lineChart('training loss per epoch', 'loss',
      rows.map((r) => ({ name: HEAD_TITLES[r.head], values: r.history.map((h) => h.loss) }))));
    console.log(`\n${markdown}\nwrote ${join(args.out, 'results.md')}, accuracy.svg, loss.svg`);
    return { rows, ways, markdown };
  } finally {
    backend.close();
  }
}

runIfMain(import.meta.url, main);
