import { describe, it, expect } from 'vitest';
import { Generator, cpuBackend, liveArray, ones, randn, resetBackend, setBackend, zeros } from '@tapegrad/tensor';
import { Variable, gradcheck, noGrad, sum } from '@tapegrad/autograd';
import { F, Dropout, Dropout2d } from '../src/index.js';

describe('dropout', () => {
  it('keeps about 1 - p of the elements, scaled by 1 / (1 - p), zeroes the rest', () => {
    const y = F.dropout(ones([100, 100]), 0.3, { generator: new Generator(1) }).data.toArray();
    const kept = y.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
    expect(kept.length / y.length).toBeGreaterThan(0.68);
    expect(kept.length / y.length).toBeLessThan(0.72);
  });
  it('the same generator seed gives the same mask', () => {
    const a = F.dropout(ones([50]), 0.5, { generator: new Generator(4) }).data.toArray();
    const b = F.dropout(ones([50]), 0.5, { generator: new Generator(4) }).data.toArray();
    const c = F.dropout(ones([50]), 0.5, { generator: new Generator(5) }).data.toArray();
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
  it('p = 1 zeroes everything, p = 0 and eval are the identity', () => {
    expect(F.dropout(ones([10]), 1).data.toArray()).toEqual(new Float32Array(10));
    expect(F.dropout(ones([10]), 0).data.toArray()).toEqual(new Float32Array(10).fill(1));
    const m = new Dropout(0.5).eval();
    const v = new Variable(ones([3]));
    expect(m.forward(v)).toBe(v);
  });
  it('gradient is the mask: gradcheck with a fixed generator state', () => {
    const x = new Variable(randn([4, 5], { generator: new Generator(0) }), { requiresGrad: true });
    expect(gradcheck((a) => F.dropout(a, 0.4, { generator: new Generator(11) }), [x])).toBe(true);
  });
  it('the mask is freed for reuse once backward read it (after the gradient it gives), or at once under noGrad', () => {
    const MASK_FREED = /^dropout: this mask was internal to the op and freed once its backward no longer needed it$/;
    // the CPU backend, keeping the arrays its masks are drawn into
    const masks: Float32Array[] = [];
    setBackend({ name: 'capturing masks', fillMask: (state, p, value, out) => { masks.push(out); cpuBackend.fillMask(state, p, value, out); } });
    try {
      const generator = new Generator(3);
      const x = new Variable(randn([6, 7], { generator: new Generator(2) }), { requiresGrad: true });
      const y = F.dropout(x, 0.5, { generator });
      const mask = masks[0]!;
      const values = Array.from(mask);
      expect(new Set(values)).toEqual(new Set([0, 2]));
      sum(y).backward(undefined, { retainGraph: true });
      expect(Array.from(liveArray(mask))).toEqual(values); // kept while the graph is
      sum(y).backward();
      expect(Array.from(x.grad!.toArray())).toEqual(values.map((v) => 2 * v));
      expect(() => liveArray(mask)).toThrow(MASK_FREED);
      // nothing recorded: the mask goes at once, the result stays
      const z = noGrad(() => F.dropout(ones([9, 11]), 0.5, { generator }));
      expect(() => liveArray(masks[1]!)).toThrow(MASK_FREED);
      expect(z.data.toArray().filter((v) => v !== 0 && v !== 2)).toEqual(new Float32Array(0));
      // recorded with no gradient wanted: the mask is left alone
      F.dropout(ones([9, 11]), 0.5, { generator });
      expect(liveArray(masks[2]!).length).toBe(99);
    } finally {
      resetBackend();
    }
  });
  it('Dropout module draws from its generator in training and repr matches PyTorch', () => {
    const m = new Dropout(0.25, { generator: new Generator(3) });
    const ref = F.dropout(ones([20]), 0.25, { generator: new Generator(3) }).data.toArray();
    expect(m.forward(ones([20])).data.toArray()).toEqual(ref);
    expect(m.toString()).toBe('Dropout(p=0.25, inplace=False)');
  });
});

describe('dropout2d', () => {
  it('zeroes whole channels and scales the others', () => {
    const y = F.dropout2d(ones([8, 16, 3, 3]), 0.5, { generator: new Generator(2) }).data.toArray();
    let dropped = 0;
    for (let p = 0; p < 8 * 16; p++) {
      const plane = y.subarray(p * 9, p * 9 + 9);
      const v = plane[0]!;
      expect(v === 0 || v === 2).toBe(true);
      expect(plane.every((e) => e === v)).toBe(true);
      if (v === 0) dropped++;
    }
    expect(dropped).toBeGreaterThan(40);
    expect(dropped).toBeLessThan(88);
  });
  it('unbatched (C, H, W) drops per channel', () => {
    const y = F.dropout2d(ones([6, 2, 2]), 0.5, { generator: new Generator(8) }).data.toArray();
    for (let c = 0; c < 6; c++) expect(new Set(y.subarray(c * 4, c * 4 + 4)).size).toBe(1);
  });
  it('Dropout2d module is the identity in eval', () => {
    const x = randn([2, 3, 2, 2], { generator: new Generator(1) });
    expect(new Dropout2d(0.9).eval().forward(x).data.toArray()).toEqual(x.toArray());
  });
  it('gradcheck with a fixed generator state', () => {
    const x = new Variable(randn([2, 3, 2, 2], { generator: new Generator(0) }), { requiresGrad: true });
    expect(gradcheck((a) => F.dropout2d(a, 0.5, { generator: new Generator(12) }), [x])).toBe(true);
  });
});

describe('dropout bad input', () => {
  const cases: [string, () => unknown, string][] = [
    ['p above 1', () => new Dropout(1.5), 'Dropout: p 1.5 is out of range; expected a probability in [0, 1]'],
    ['negative p', () => F.dropout(zeros([2]), -0.1), 'dropout: p -0.1 is out of range; expected a probability in [0, 1]'],
    ['p NaN', () => new Dropout2d(NaN), 'Dropout2d: p NaN is out of range; expected a probability in [0, 1]'],
    ['dropout2d on a 2-d input', () => F.dropout2d(zeros([2, 3]), 0.5), 'dropout2d: input shape [2, 3] has rank 2; expected (N, C, H, W) or (C, H, W)'],
  ];
  for (const [name, fn, message] of cases) it(name, () => expect(fn).toThrow(message));
});
