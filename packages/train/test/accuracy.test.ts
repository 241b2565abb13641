// Accuracy in one line, as a PyTorch user writes it: `logits.argmax(1).eq(y).float().mean().item()`
// with `logits` a model's output and `y` a batch's labels from the DataLoader.
import { describe, it, expect } from 'vitest';
import { Generator } from '@tapegrad/tensor';
import { noGrad } from '@tapegrad/autograd';
import { Sequential, Flatten, Linear } from '@tapegrad/nn';
import { embeddedMnist, DataLoader, countCorrect, evaluate } from '../src/index.js';

describe('accuracy in one line', () => {
  const { test } = embeddedMnist({ cacheDir: null });
  const model = new Sequential(new Flatten(), new Linear(784, 10, { generator: new Generator(3) }));

  it('logits.argmax(1).eq(y).float().mean().item() on a DataLoader batch equals counting with a loop', () => {
    const loader = new DataLoader(test, { batchSize: 64, shuffle: true, generator: new Generator(1) });
    let batches = 0;
    for (const { x, y } of loader) {
      const logits = noGrad(() => model.forward(x));
      const acc = logits.argmax(1).eq(y).float().mean().item();
      expect(acc).toBeCloseTo(countCorrect(logits.data, y) / y.shape[0]!, 6);
      if (++batches === 4) break;
    }
    expect(batches).toBe(4);
  });

  it('summed over the test set it equals evaluate()\'s accuracy', () => {
    const loader = new DataLoader(test, { batchSize: 500 });
    let correct = 0;
    for (const { x, y } of loader) correct += noGrad(() => model.forward(x)).argmax(1).eq(y).sum().item();
    expect(correct / test.length).toBeCloseTo(evaluate(model, loader).accuracy, 9);
  });
});
