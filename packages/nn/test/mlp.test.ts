import { describe, it, expect } from 'vitest';
import { Generator, randn, tensor } from '@tapegrad/tensor';
import { Variable } from '@tapegrad/autograd';
import { Sequential, Linear, ReLU, F } from '../src/index.js';

describe('MLP trained with plain gradient descent', () => {
  it('reduces the cross-entropy of a fixed synthetic problem at least 10x', () => {
    const g = new Generator(42);
    // Two Gaussian blobs per class in 2-D, three classes: a non-linear but easy problem.
    const N = 96;
    const x = randn([N, 2], { generator: g });
    const labels = new Float32Array(N);
    const xv = x.toArray();
    for (let i = 0; i < N; i++) {
      const a = xv[2 * i]!, b = xv[2 * i + 1]!;
      labels[i] = a * b > 0 ? (a > 0 ? 0 : 1) : 2;
    }
    const y = tensor(labels, [N]);
    const model = new Sequential(new Linear(2, 32, { generator: g }), new ReLU(), new Linear(32, 3, { generator: g }));
    const lr = 0.5;
    let first = 0, last = 0;
    for (let step = 0; step < 300; step++) {
      const loss = F.crossEntropy(model.forward(new Variable(x)), y);
      if (step === 0) first = loss.item();
      last = loss.item();
      model.zeroGrad();
      loss.backward();
      for (const p of model.parameters()) {
        const d = p.data.data, gr = p.grad!.data;
        for (let i = 0; i < d.length; i++) d[i] -= lr * gr[i]!;
      }
    }
    expect(first).toBeGreaterThan(0.8);
    expect(last).toBeLessThan(first / 10);
  });
});
