import { describe, it, expect } from 'vitest';
import { tensor } from '@tapegrad/tensor';
import { Variable } from '@tapegrad/autograd';
import { SGD, warmupCosine } from '../src/index.js';

describe('warmupCosine', () => {
  it("follows docs/recipe.md's closed form over all 1,875 steps (W = 125, T = 1875, lr 0.1)", () => {
    const opt = new SGD([new Variable(tensor([1]), { requiresGrad: true })], { lr: 0.1 });
    const sched = warmupCosine(opt, 125, 1875);
    let worst = 0;
    for (let t = 0; t < 1875; t++) {
      const want = t < 125 ? (0.1 * (t + 1)) / 125 : 0.05 * (1 + Math.cos((Math.PI * (t - 125)) / (1875 - 125)));
      worst = Math.max(worst, Math.abs(opt.paramGroups[0]!.lr - want));
      sched.step();
    }
    expect(worst).toBeLessThan(1e-9);
  });

  it('is plain cosine when the warm-up is a single step', () => {
    const opt = new SGD([new Variable(tensor([1]), { requiresGrad: true })], { lr: 0.1 });
    const sched = warmupCosine(opt, 1, 10);
    expect(opt.paramGroups[0]!.lr).toBeCloseTo(0.1, 12);
    sched.step();
    expect(opt.paramGroups[0]!.lr).toBeCloseTo(0.05 * (1 + Math.cos(Math.PI / 10)), 9);
  });
});
