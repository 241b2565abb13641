// A small end-to-end run: an MLP learns a synthetic 3-class problem with plain gradient descent.
//
//   pnpm --filter examples run mlp-demo [-- --seed 1]
import { Generator, randn, tensor, Variable, noGrad, Sequential, Linear, ReLU, F } from 'tapegrad';
import { parseExampleArgs, runIfMain, type ExampleSpec } from './lib/args.js';

export const SPEC: ExampleSpec = {
  script: 'examples/mlp-demo.ts',
  summary: 'An MLP (2-64-3) learns a synthetic 3-class problem (the quadrant of a 2-d point) with plain gradient descent\nin a hand-written loop: 500 steps, lr 0.5, on 512 points.',
  flags: ['seed'],
};

/** Returns the final training accuracy. */
export function main(argv: readonly string[]): number {
  const args = parseExampleArgs(argv, {}, SPEC);
  const g = new Generator(args.seed);
  const N = 512;
  const x = randn([N, 2], { generator: g });
  const xv = x.toArray();
  const labels = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    const a = xv[2 * i]!, b = xv[2 * i + 1]!;
    labels[i] = a * b > 0 ? (a > 0 ? 0 : 1) : 2;
  }
  const y = tensor(labels, [N]);
  const model = new Sequential(new Linear(2, 64, { generator: g }), new ReLU(), new Linear(64, 3, { generator: g }));
  let acc = 0;
  for (let step = 0; step <= 500; step++) {
    const logits = model.forward(new Variable(x));
    const loss = F.crossEntropy(logits, y);
    model.zeroGrad();
    loss.backward();
    for (const p of model.parameters()) {
      const d = p.data.data, gr = p.grad!.data;
      for (let i = 0; i < d.length; i++) d[i] -= 0.5 * gr[i]!;
    }
    if (step % 100 === 0) {
      acc = noGrad(() => {
        const pred = logits.argmax(1).toArray();
        return pred.reduce((n, p, i) => n + (p === labels[i] ? 1 : 0), 0) / N;
      });
      console.log(`step ${step}  loss ${loss.item().toFixed(4)}  train accuracy ${(acc * 100).toFixed(1)}%`);
    }
  }
  return acc;
}

runIfMain(import.meta.url, main);
