import { describe, it, expect } from 'vitest';
import { Generator, rand, tensor, Variable, gradcheck, mean } from 'tapegrad';
import { gem, GeM } from './gem.js';

describe('GeM pooling (custom op written with defineOp)', () => {
  it('gradcheck: gradients of x and p match central differences', () => {
    const g = new Generator(3);
    const x = new Variable(rand([2, 3, 3, 4], { low: 0.2, high: 1.5, generator: g }), { requiresGrad: true });
    const p = new Variable(tensor([2.5]), { requiresGrad: true });
    expect(gradcheck((a, b) => gem(a, b), [x, p], { eps: 1e-3, atol: 5e-3, rtol: 5e-3 })).toBe(true);
  });

  it('p = 1 is average pooling', () => {
    const x = new Variable(rand([2, 3, 4, 4], { generator: new Generator(1) }));
    const a = gem(x, tensor([1])).toArray();
    const b = mean(x, [2, 3]).toArray();
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
  });

  it('refuses a non-4-D input', () => {
    expect(() => new GeM().forward(new Variable(rand([3, 4, 4])))).toThrow('gem: input shape [3, 4, 4] has rank 3; expected (N, C, H, W)');
  });

  it('the module registers p as a parameter', () => {
    const m = new GeM({ p: 2 });
    expect(m.namedParameters().map(([k]) => k)).toEqual(['p']);
    expect(m.forward(rand([1, 2, 3, 3])).shape).toEqual([1, 2]);
  });
});
