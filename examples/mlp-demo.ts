// A small end-to-end run: an MLP learns a synthetic 3-class problem with plain gradient descent.
import { Generator, randn, tensor, Variable, noGrad, Sequential, Linear, ReLU, F } from 'tapegrad';

const g = new Generator(0);
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
    const acc = noGrad(() => {
      const pred = logits.argmax(1).toArray();
      return pred.reduce((n, p, i) => n + (p === labels[i] ? 1 : 0), 0) / N;
    });
    console.log(`step ${step}  loss ${loss.item().toFixed(4)}  train accuracy ${(acc * 100).toFixed(1)}%`);
  }
}
