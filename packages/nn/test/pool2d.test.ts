import { describe, it, expect } from 'vitest';
import { Generator, rand, randn, tensor } from '@tapegrad/tensor';
import { Variable, gradcheck, mean } from '@tapegrad/autograd';
import {
  F, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, GlobalAvgPool2d, GlobalMaxPool2d, Sequential,
} from '../src/index.js';
import { loadFixture } from '../../../test-utils/fixtures.js';
import {
  checkValueCase, isErrorCase, zerosOf, distinct, type PoolCase, type ValueCase,
} from './pooling/poolFixture.js';
import { runners } from './pooling/runners.js';

const fixture = loadFixture<PoolCase>(new URL('./fixtures/pool2d.json', import.meta.url));

describe('2-d pooling against PyTorch 1.13 fixtures', () => {
  expect(fixture.torch_version).toMatch(/^1\.13/);
  for (const c of fixture.cases) {
    if (isErrorCase(c)) continue;
    it(c.name, () => checkValueCase(c, (x: Variable, cc: ValueCase) => runners[cc.op]!(x, cc.args, cc)));
  }
});

// Our message for each error case of the fixture (PyTorch's is recorded next to it in the JSON).
const messages: Record<string, string> = {
  'maxPool2d padding more than half the kernel': 'maxPool2d: padding 2 is more than half of kernelSize 3; expected at most 1',
  'maxPool2d padding vs the undilated kernel (dilation 2)': 'maxPool2d: padding 2 is more than half of kernelSize 3; expected at most 1',
  'maxPool2d stride 0': 'maxPool2d: stride 0 is below 1; expected a positive integer',
  'maxPool2d negative stride': 'maxPool2d: stride [1, -1] has entry -1, which is below 1; expected a positive integer in every entry',
  'maxPool2d kernelSize 0': 'maxPool2d: kernelSize 0 is below 1; expected a positive integer',
  'maxPool2d negative padding': 'maxPool2d: padding -1 is below 0; expected a non-negative integer',
  'maxPool2d dilation 0': 'maxPool2d: dilation 0 is below 1; expected a positive integer',
  'maxPool2d output size below 1': 'maxPool2d: kernelSize 5 gives output size -2x-2 for input 2x2 (stride 1x1, padding 0x0, dilation 1x1); expected a window that fits the padded input, output size >= 1',
  'maxPool2d input of rank 2': 'maxPool2d: input shape [6, 6] has rank 2; expected (N, C, H, W) or (C, H, W)',
  'maxPool2d input of rank 5': 'maxPool2d: input shape [1, 1, 1, 6, 6] has rank 5; expected (N, C, H, W) or (C, H, W)',
  'maxPool2d empty channel dim': 'maxPool2d: input shape [1, 0, 6, 6] has an empty dim 1; expected non-zero sizes outside the batch dim',
  'avgPool2d padding more than half the kernel': 'avgPool2d: padding 2 is more than half of kernelSize 2; expected at most 1',
  'avgPool2d stride 0': 'avgPool2d: stride 0 is below 1; expected a positive integer',
  'avgPool2d output size below 1': 'avgPool2d: kernelSize 5 gives output size 0x0 for input 2x2 (stride 1x1, padding 1x1, dilation 1x1); expected a window that fits the padded input, output size >= 1',
  'avgPool2d divisorOverride 0': 'avgPool2d: divisorOverride 0 is not a positive integer; expected an integer >= 1 or null',
  'avgPool2d input of rank 2': 'avgPool2d: input shape [6, 6] has rank 2; expected (N, C, H, W) or (C, H, W)',
  'adaptiveAvgPool2d negative outputSize': 'adaptiveAvgPool2d: outputSize [-1, 2] has entry -1, which is negative; expected non-negative integers or null',
  'adaptiveAvgPool2d input of rank 2': 'adaptiveAvgPool2d: input shape [6, 6] has rank 2; expected (N, C, H, W) or (C, H, W)',
  'adaptiveMaxPool2d negative outputSize': 'adaptiveMaxPool2d: outputSize -2 is negative; expected a non-negative integer or null',
  'adaptiveMaxPool2d input of rank 5': 'adaptiveMaxPool2d: input shape [1, 1, 1, 6, 6] has rank 5; expected (N, C, H, W) or (C, H, W)',
};

describe('2-d pooling errors (PyTorch refuses the same arguments)', () => {
  for (const c of fixture.cases) {
    if (!isErrorCase(c)) continue;
    it(c.name, () => {
      expect(c.torchError, 'PyTorch accepted these arguments').not.toBeNull();
      const want = messages[c.name];
      expect(want, `no expected message for ${c.name}`).toBeDefined();
      expect(() => runners[c.op]!(zerosOf(c), c.args, c)).toThrow(want);
    });
  }
  it('avgPool2d divisorOverride -2 (NOTE: PyTorch would divide by it)', () => {
    expect(() => F.avgPool2d(randn([1, 1, 4, 4]), 2, { divisorOverride: -2 }))
      .toThrow('avgPool2d: divisorOverride -2 is not a positive integer; expected an integer >= 1 or null');
  });
  it('maxPool2d kernelSize with three entries', () => {
    expect(() => F.maxPool2d(randn([1, 1, 4, 4]), [2, 2, 2] as unknown as F.Size2))
      .toThrow('maxPool2d: kernelSize [2, 2, 2] has 3 entries; expected a number or 2 numbers');
  });
  it('globalAvgPool2d input of rank 2', () => {
    expect(() => F.globalAvgPool2d(randn([3, 3]))).toThrow('globalAvgPool2d: input shape [3, 3] has rank 2; expected (N, C, H, W) or (C, H, W)');
  });
  it('globalMaxPool2d keepDim not a boolean', () => {
    expect(() => F.globalMaxPool2d(randn([1, 2, 3, 3]), { keepDim: 1 as unknown as boolean }))
      .toThrow('globalMaxPool2d: keepDim 1 is not a boolean; expected true or false');
  });
  it('MaxPool2d module checks its options when built', () => {
    expect(() => new MaxPool2d(3, { padding: 2 })).toThrow('MaxPool2d: padding 2 is more than half of kernelSize 3; expected at most 1');
    expect(() => new AvgPool2d(2, { stride: 0 })).toThrow('AvgPool2d: stride 0 is below 1; expected a positive integer');
  });
});

describe('2-d pooling gradchecks', () => {
  it('maxPool2d k=3 s=2 ceilMode pad=1 dilation=1', () => {
    expect(gradcheck((x) => F.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }), [distinct([1, 2, 5, 5])])).toBe(true);
  });
  it('maxPool2d dilation=2 non-square', () => {
    expect(gradcheck((x) => F.maxPool2d(x, [2, 3], { stride: [1, 2], padding: [1, 1], dilation: 2 }), [distinct([1, 1, 5, 6], 2)])).toBe(true);
  });
  it('avgPool2d k=3 s=2 ceilMode pad=1 countIncludePad=false', () => {
    const x = new Variable(randn([1, 2, 5, 6], { generator: new Generator(3) }), { requiresGrad: true });
    expect(gradcheck((v) => F.avgPool2d(v, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [x])).toBe(true);
  });
  it('avgPool2d divisorOverride=5 overlapping windows', () => {
    const x = new Variable(randn([2, 1, 4, 5], { generator: new Generator(4) }), { requiresGrad: true });
    expect(gradcheck((v) => F.avgPool2d(v, [3, 2], { stride: 1, padding: 1, divisorOverride: 5 }), [x])).toBe(true);
  });
  it('adaptiveAvgPool2d 5x7 -> 3x4 and 3x3 -> 4x5', () => {
    const x = new Variable(randn([1, 2, 5, 7], { generator: new Generator(5) }), { requiresGrad: true });
    expect(gradcheck((v) => F.adaptiveAvgPool2d(v, [3, 4]), [x])).toBe(true);
    const y = new Variable(randn([1, 1, 3, 3], { generator: new Generator(6) }), { requiresGrad: true });
    expect(gradcheck((v) => F.adaptiveAvgPool2d(v, [4, 5]), [y])).toBe(true);
  });
  it('adaptiveMaxPool2d 5x7 -> 3x4', () => {
    expect(gradcheck((v) => F.adaptiveMaxPool2d(v, [3, 4]), [distinct([1, 2, 5, 7], 3)])).toBe(true);
  });
  it('globalAvgPool2d and globalMaxPool2d', () => {
    const x = new Variable(randn([2, 3, 3, 4], { generator: new Generator(7) }), { requiresGrad: true });
    expect(gradcheck((v) => F.globalAvgPool2d(v), [x])).toBe(true);
    expect(gradcheck((v) => F.globalMaxPool2d(v, { keepDim: true }), [distinct([2, 3, 3, 4], 4)])).toBe(true);
  });
  it('maxPool2d on random values in [0, 1): gradcheck explains the tie it crosses and passes on well-separated values', () => {
    // seed 0 puts two values of one 2x2 window within 2 * eps of each other (element 33)
    const x = new Variable(rand([1, 1, 6, 6], { generator: new Generator(0) }), { requiresGrad: true });
    expect(() => gradcheck((v) => F.maxPool2d(v, 2), [x])).toThrow(
      /element 33: .*; the one-sided differences disagree \(forward [\d.e-]+, backward [\d.e-]+\), so the function is not smooth within eps of this element \(a kink or a tie, e.g. two values of a max-pool window within 2 \* eps\): use well-separated input values or a smaller eps$/,
    );
    expect(gradcheck((v) => F.maxPool2d(v, 2), [distinct([1, 1, 6, 6])])).toBe(true);
  });
});

describe('global average pooling: four ways agree', () => {
  it('avgPool2d full window, adaptiveAvgPool2d(1), mean([2, 3]) and globalAvgPool2d, forward and backward', () => {
    const data = randn([3, 4, 7, 5], { generator: new Generator(8) });
    const u = randn([3, 4], { generator: new Generator(9) });
    const ways = [
      (x: Variable) => F.avgPool2d(x, [7, 5]).reshape([3, 4]),
      (x: Variable) => F.adaptiveAvgPool2d(x, 1).reshape([3, 4]),
      (x: Variable) => mean(x, [2, 3]),
      (x: Variable) => F.globalAvgPool2d(x),
    ];
    const results = ways.map((f) => {
      const x = new Variable(data, { requiresGrad: true });
      const y = f(x);
      y.backward(u);
      return { y: y.data.toArray(), g: x.grad!.toArray() };
    });
    const ref = results[3]!;
    for (const r of results) {
      for (let i = 0; i < ref.y.length; i++) expect(r.y[i]).toBeCloseTo(ref.y[i]!, 6);
      for (let i = 0; i < ref.g.length; i++) expect(r.g[i]).toBeCloseTo(ref.g[i]!, 7);
    }
  });
});

describe('pooling modules', () => {
  const x = randn([2, 3, 8, 8], { generator: new Generator(10) });
  it('MaxPool2d forward and forwardWithIndices match F.maxPool2d', () => {
    const m = new MaxPool2d(3, { stride: 2, ceilMode: true });
    const [ref, idx] = F.maxPool2d(x, 3, { stride: 2, ceilMode: true, returnIndices: true });
    expect(m.forward(x).data.toArray()).toEqual(ref.data.toArray());
    const [out, indices] = m.forwardWithIndices(x);
    expect(out.shape).toEqual([2, 3, 4, 4]);
    expect(indices.toArray()).toEqual(idx.toArray());
    expect(m.toString()).toBe('MaxPool2d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=True)');
  });
  it('AvgPool2d matches F.avgPool2d', () => {
    const m = new AvgPool2d([3, 2], { stride: 2, padding: 1, countIncludePad: false });
    expect(m.forward(x).data.toArray()).toEqual(F.avgPool2d(x, [3, 2], { stride: 2, padding: 1, countIncludePad: false }).data.toArray());
    expect(m.toString()).toBe('AvgPool2d(kernel_size=(3, 2), stride=2, padding=1)');
  });
  it('adaptive and global modules', () => {
    expect(new AdaptiveAvgPool2d([null, 3]).forward(x).shape).toEqual([2, 3, 8, 3]);
    expect(new AdaptiveAvgPool2d([null, 3]).toString()).toBe('AdaptiveAvgPool2d(output_size=(None, 3))');
    const am = new AdaptiveMaxPool2d(3);
    expect(am.forward(x).data.toArray()).toEqual(F.adaptiveMaxPool2d(x, 3).data.toArray());
    expect(am.forwardWithIndices(x)[1].shape).toEqual([2, 3, 3, 3]);
    expect(new GlobalAvgPool2d().forward(x).shape).toEqual([2, 3]);
    expect(new GlobalAvgPool2d({ keepDim: true }).forward(x).shape).toEqual([2, 3, 1, 1]);
    const gmax = new GlobalMaxPool2d().forward(x);
    expect(gmax.shape).toEqual([2, 3]);
    expect(gmax.data.toArray()).toEqual(F.adaptiveMaxPool2d(x, 1).data.toArray());
  });
  it('pooling modules have no parameters and chain in Sequential', () => {
    const net = new Sequential(new MaxPool2d(2), new AvgPool2d(2), new GlobalAvgPool2d());
    expect(net.parameters()).toHaveLength(0);
    expect(Object.keys(net.stateDict())).toHaveLength(0);
    expect(net.forward(x).shape).toEqual([2, 3]);
  });
  it('a Tensor input gives a result without gradient', () => {
    const y = F.maxPool2d(tensor([1, 2, 3, 4], [1, 1, 2, 2]), 2);
    expect(y.requiresGrad).toBe(false);
    expect(y.data.toArray()).toEqual(Float32Array.from([4]));
  });
});
