import { describe, it, expect } from 'vitest';
import { Generator, randn, tensor } from '@tapegrad/tensor';
import { Variable, gradcheck } from '@tapegrad/autograd';
import {
  F, MaxPool1d, MaxPool3d, AvgPool1d, AvgPool3d, LPPool1d, LPPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool3d, AdaptiveMaxPool1d,
  ChannelwisePool, CrossChannelPool, Maxout, FractionalMaxPool2d, MaxUnpool1d, MaxUnpool2d, MaxPool2d, Sequential,
} from '../src/index.js';
import { loadFixture } from '../../../test-utils/fixtures.js';
import { checkValueCase, isErrorCase, zerosOf, distinct, type PoolCase, type ValueCase } from './pooling/poolFixture.js';
import { runners } from './pooling/runners.js';

const fixture = loadFixture<PoolCase>(new URL('./fixtures/poolnd.json', import.meta.url));

describe('1-d, 3-d, LP, adaptive, channel, fractional and unpooling against PyTorch 1.13 fixtures', () => {
  expect(fixture.torch_version).toMatch(/^1\.13/);
  for (const c of fixture.cases) {
    if (isErrorCase(c)) continue;
    it(c.name, () => checkValueCase(c, (x: Variable, cc: ValueCase) => runners[cc.op]!(x, cc.args, cc)));
  }
});

const messages: Record<string, string> = {
  'maxPool1d padding more than half the kernel': 'maxPool1d: padding 2 is more than half of kernelSize 2; expected at most 1',
  'maxPool1d input of rank 4': 'maxPool1d: input shape [1, 1, 4, 4] has rank 4; expected (N, C, L) or (C, L)',
  'maxPool1d output size below 1': 'maxPool1d: kernelSize 4 gives output size 0 for input 3 (stride 4, padding 0, dilation 1); expected a window that fits the padded input, output size >= 1',
  'maxPool3d stride 0': 'maxPool3d: stride 0 is below 1; expected a positive integer',
  'maxPool3d input of rank 3': 'maxPool3d: input shape [4, 4, 4] has rank 3; expected (N, C, D, H, W) or (C, D, H, W)',
  'avgPool1d negative stride': 'avgPool1d: stride -1 is below 1; expected a positive integer',
  'avgPool3d divisorOverride 0': 'avgPool3d: divisorOverride 0 is not a positive integer; expected an integer >= 1 or null',
  'avgPool3d padding more than half the kernel': 'avgPool3d: padding [0, 2, 0] is more than half of kernelSize 2; expected at most 1, 1, 1',
  'lpPool2d output size below 1': 'lpPool2d: kernelSize 3 gives output size 0x0 for input 2x2 (stride 3x3, padding 0x0, dilation 1x1); expected a window that fits the padded input, output size >= 1',
  'lpPool1d stride 0': 'lpPool1d: stride 0 is below 1; expected a positive integer',
  'adaptiveAvgPool1d negative outputSize': 'adaptiveAvgPool1d: outputSize -1 is negative; expected a non-negative integer or null',
  'adaptiveAvgPool3d negative outputSize': 'adaptiveAvgPool3d: outputSize [2, -1, 2] has entry -1, which is negative; expected non-negative integers or null',
  'adaptiveMaxPool1d input of rank 4': 'adaptiveMaxPool1d: input shape [1, 1, 4, 4] has rank 4; expected (N, C, L) or (C, L)',
  'crossChannelPool kernelSize larger than C': 'crossChannelPool: kernelSize 4 exceeds the 3 channels of input shape [1, 3, 2, 2]; expected at most 3',
  'maxout groupSize not dividing C': 'maxout: groupSize 3 does not divide the 8 channels of input shape [2, 8, 2, 2]; expected a divisor of 8',
  'fractionalMaxPool2d window too large for the output size': 'fractionalMaxPool2d: kernelSize 3 with output height 4 needs 6 rows but the input has 5; expected outputSize + kernelSize - 1 <= input size',
  'fractionalMaxPool2d neither outputSize nor outputRatio': 'fractionalMaxPool2d: neither outputSize nor outputRatio is given; expected one of them',
  'maxUnpool2d index out of range': 'maxUnpool2d: index 16 at position 0 is out of range for an output plane of 4x4 = 16 elements; expected integers in [0, 15]',
  'maxUnpool2d negative index': 'maxUnpool2d: index -1 at position 0 is out of range for an output plane of 4x4 = 16 elements; expected integers in [0, 15]',
  'maxUnpool1d index out of range': 'maxUnpool1d: index 6 at position 0 is out of range for an output plane of 1x6 = 6 elements; expected integers in [0, 5]',
  'maxUnpool2d outputSize outside one stride of the default': 'maxUnpool2d: outputSize [6, 4] has size 6 in dim 0, outside (2, 6); expected a size strictly between 2 and 6',
};

describe('pooling family errors (PyTorch refuses the same arguments)', () => {
  for (const c of fixture.cases) {
    if (!isErrorCase(c)) continue;
    it(c.name, () => {
      expect(c.torchError, 'PyTorch accepted these arguments').not.toBeNull();
      const want = messages[c.name];
      expect(want, `no expected message for ${c.name}`).toBeDefined();
      expect(() => runners[c.op]!(zerosOf(c), c.args, c)).toThrow(want);
    });
  }
  const x = randn([1, 2, 4, 4], { generator: new Generator(1) });
  it('lpPool2d normType 0 (NOTE: PyTorch computes inf/NaN instead)', () => {
    expect(() => F.lpPool2d(x, 0, 2)).toThrow('lpPool2d: normType 0 is not a positive finite number; expected e.g. 1, 2 or 3');
  });
  it('channelwisePool unknown mode', () => {
    expect(() => F.channelwisePool(x, 'min' as unknown as F.ChannelwiseMode))
      .toThrow(`channelwisePool: mode "min" is not a pooling mode; expected 'max', 'avg', 'l2' or { p } with p > 0`);
  });
  it('crossChannelPool stride 0 and unknown mode', () => {
    expect(() => F.crossChannelPool(x, 2, { stride: 0 })).toThrow('crossChannelPool: stride 0 is not a positive integer; expected an integer >= 1');
    expect(() => F.crossChannelPool(x, 2, { mode: 'l2' as 'max' })).toThrow(`crossChannelPool: mode l2 is not a pooling mode; expected 'max' or 'avg'`);
  });
  it('maxout groupSize 0 and Maxout module', () => {
    expect(() => F.maxout(x, 0)).toThrow('maxout: groupSize 0 is below 1; expected a positive integer');
    expect(() => new Maxout(1.5)).toThrow('Maxout: groupSize 1.5 is not an integer; expected a positive integer');
  });
  it('fractionalMaxPool2d outputRatio outside (0, 1) and bad randomSamples', () => {
    expect(() => F.fractionalMaxPool2d(x, 2, { outputRatio: 1 }))
      .toThrow('fractionalMaxPool2d: outputRatio 1 is not in (0, 1); expected a number or two numbers strictly between 0 and 1');
    expect(() => F.fractionalMaxPool2d(x, 2, { outputSize: 2, randomSamples: tensor([0.5, 0.5], [1, 1, 2]) }))
      .toThrow('fractionalMaxPool2d: randomSamples shape [1, 1, 2] does not fit input [1, 2, 4, 4]; expected [1, 2, 2]');
    expect(() => F.fractionalMaxPool2d(x, 2, { outputSize: 2, randomSamples: tensor([0.5, 1, 0, 0], [1, 2, 2]) }))
      .toThrow('fractionalMaxPool2d: randomSamples entry 1 at position 1 is outside [0, 1); expected samples in [0, 1)');
    expect(() => F.fractionalMaxPool2d(x, 2, { outputRatio: 0.1 }))
      .toThrow('fractionalMaxPool2d: output size 0x0 for input 4x4 is empty; expected an output size >= 1 (raise outputRatio)');
  });
  it('maxUnpool2d indices of another shape', () => {
    expect(() => F.maxUnpool2d(x, tensor(new Float32Array(4), [1, 1, 2, 2]), 2))
      .toThrow('maxUnpool2d: indices shape [1, 1, 2, 2] differs from input shape [1, 2, 4, 4]; expected equal shapes');
  });
});

describe('pooling family gradchecks', () => {
  const smooth = (shape: number[], seed: number) => new Variable(randn(shape, { generator: new Generator(seed) }), { requiresGrad: true });
  const positive = (shape: number[], seed: number) =>
    new Variable(tensor(randn(shape, { generator: new Generator(seed) }).toArray().map((v) => 0.5 + Math.abs(v)), shape), { requiresGrad: true });
  it('maxPool1d k=3 s=2 pad=1 dilation=2 ceilMode', () => {
    expect(gradcheck((v) => F.maxPool1d(v, 3, { stride: 2, padding: 1, dilation: 2, ceilMode: true }), [distinct([2, 2, 9])])).toBe(true);
  });
  it('maxPool3d k=2 s=1 pad=1', () => {
    expect(gradcheck((v) => F.maxPool3d(v, 2, { stride: 1, padding: 1 }), [distinct([1, 1, 3, 3, 3], 5)])).toBe(true);
  });
  it('avgPool1d ceilMode countIncludePad=false', () => {
    expect(gradcheck((v) => F.avgPool1d(v, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [smooth([1, 2, 6], 1)])).toBe(true);
  });
  it('avgPool3d k=3 s=2 pad=1 ceilMode and divisorOverride', () => {
    expect(gradcheck((v) => F.avgPool3d(v, 3, { stride: 2, padding: 1, ceilMode: true }), [smooth([1, 1, 4, 5, 4], 2)])).toBe(true);
    expect(gradcheck((v) => F.avgPool3d(v, 2, { divisorOverride: 3 }), [smooth([1, 2, 2, 2, 4], 3)])).toBe(true);
  });
  it('lpPool2d p=2 and p=3 on positive inputs, lpPool1d ceilMode', () => {
    expect(gradcheck((v) => F.lpPool2d(v, 2, 2, { stride: 1 }), [positive([1, 1, 4, 4], 4)])).toBe(true);
    expect(gradcheck((v) => F.lpPool2d(v, 3, [2, 3]), [positive([1, 2, 4, 6], 5)], { rtol: 2e-2 })).toBe(true);
    expect(gradcheck((v) => F.lpPool1d(v, 2, 2, { ceilMode: true }), [positive([1, 2, 5], 6)])).toBe(true);
  });
  it('adaptiveAvgPool1d, adaptiveAvgPool3d, adaptiveMaxPool1d', () => {
    expect(gradcheck((v) => F.adaptiveAvgPool1d(v, 3), [smooth([1, 2, 7], 7)])).toBe(true);
    expect(gradcheck((v) => F.adaptiveAvgPool3d(v, [2, 3, 4]), [smooth([1, 1, 3, 5, 3], 8)])).toBe(true);
    expect(gradcheck((v) => F.adaptiveMaxPool1d(v, 3), [distinct([2, 2, 7], 6)])).toBe(true);
  });
  it('channelwisePool every mode', () => {
    expect(gradcheck((v) => F.channelwisePool(v, 'max'), [distinct([2, 2, 3, 3], 7)])).toBe(true);
    expect(gradcheck((v) => F.channelwisePool(v, 'avg'), [smooth([2, 2, 3, 3], 9)])).toBe(true);
    expect(gradcheck((v) => F.channelwisePool(v, 'l2'), [smooth([2, 2, 3, 3], 10)])).toBe(true);
    expect(gradcheck((v) => F.channelwisePool(v, { p: 3 }), [smooth([1, 2, 3, 3], 11)], { rtol: 2e-2 })).toBe(true);
  });
  it('crossChannelPool max and avg, maxout', () => {
    expect(gradcheck((v) => F.crossChannelPool(v, 3, { stride: 2 }), [distinct([2, 7, 2, 2], 8)])).toBe(true);
    expect(gradcheck((v) => F.crossChannelPool(v, 2, { stride: 1, mode: 'avg' }), [smooth([1, 4, 3], 12)])).toBe(true);
    expect(gradcheck((v) => F.maxout(v, 3), [distinct([2, 6, 2, 2], 9)])).toBe(true);
  });
  it('fractionalMaxPool2d with fixed samples', () => {
    const randomSamples = tensor([0.3, 0.8, 0.55, 0.1], [1, 2, 2]);
    expect(gradcheck((v) => F.fractionalMaxPool2d(v, 2, { outputSize: [3, 4], randomSamples }), [distinct([1, 2, 6, 7], 10)])).toBe(true);
  });
  it('maxUnpool2d and maxUnpool1d', () => {
    const [, idx2] = F.maxPool2d(distinct([1, 2, 4, 4], 11), 2, { returnIndices: true });
    expect(gradcheck((v) => F.maxUnpool2d(v, idx2, 2), [smooth([1, 2, 2, 2], 13)])).toBe(true);
    // Non-overlapping windows: with repeated indices only the last value survives the scatter,
    // while the backward gathers for each (as PyTorch), so central differences would disagree.
    const [, idx1] = F.maxPool1d(distinct([2, 1, 7], 12), 2, { returnIndices: true });
    expect(gradcheck((v) => F.maxUnpool1d(v, idx1, 2, { outputSize: [7] }), [smooth([2, 1, 3], 14)])).toBe(true);
  });
});

describe('fractional pooling is seeded', () => {
  const x = randn([2, 3, 9, 9], { generator: new Generator(20) });
  it('the same generator seed gives the same windows; another seed other windows', () => {
    const a = F.fractionalMaxPool2d(x, 2, { outputSize: 4, generator: new Generator(5), returnIndices: true })[1].toArray();
    const b = F.fractionalMaxPool2d(x, 2, { outputSize: 4, generator: new Generator(5), returnIndices: true })[1].toArray();
    const c = F.fractionalMaxPool2d(x, 2, { outputSize: 4, generator: new Generator(6), returnIndices: true })[1].toArray();
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });
  it('FractionalMaxPool2d draws new windows on each forward from its generator', () => {
    // kernel 2 on 9 -> 4 gives alpha = 7/3, so the offsets depend on the samples
    const m = new FractionalMaxPool2d(2, { outputRatio: 0.5, generator: new Generator(3) });
    const first = m.forwardWithIndices(x)[1].toArray();
    const second = m.forwardWithIndices(x)[1].toArray();
    expect(m.forward(x).shape).toEqual([2, 3, 4, 4]);
    expect(second).not.toEqual(first);
  });
});

describe('pooling family modules', () => {
  const x1 = randn([2, 4, 9], { generator: new Generator(30) });
  const x2 = randn([2, 4, 8, 8], { generator: new Generator(31) });
  const x3 = randn([1, 2, 4, 6, 6], { generator: new Generator(32) });
  const same = (a: Variable, b: Variable) => expect(a.data.toArray()).toEqual(b.data.toArray());
  it('1-d and 3-d max/avg modules match their functions and print like PyTorch', () => {
    same(new MaxPool1d(3, { stride: 2, ceilMode: true }).forward(x1), F.maxPool1d(x1, 3, { stride: 2, ceilMode: true }));
    expect(new MaxPool1d(3, { stride: 2 }).forwardWithIndices(x1)[1].shape).toEqual([2, 4, 4]);
    same(new MaxPool3d(2).forward(x3), F.maxPool3d(x3, 2));
    expect(new MaxPool3d([1, 2, 2]).toString()).toBe('MaxPool3d(kernel_size=(1, 2, 2), stride=(1, 2, 2), padding=0, dilation=1, ceil_mode=False)');
    same(new AvgPool1d(2, { padding: 1 }).forward(x1), F.avgPool1d(x1, 2, { padding: 1 }));
    same(new AvgPool3d(2, { divisorOverride: 2 }).forward(x3), F.avgPool3d(x3, 2, { divisorOverride: 2 }));
    expect(() => new AvgPool3d(2, { divisorOverride: 0 })).toThrow('AvgPool3d: divisorOverride 0 is not a positive integer; expected an integer >= 1 or null');
  });
  it('LP, adaptive and channel modules match their functions', () => {
    same(new LPPool1d(2, 3).forward(x1), F.lpPool1d(x1, 2, 3));
    same(new LPPool2d(3, 2, { stride: 1 }).forward(x2), F.lpPool2d(x2, 3, 2, { stride: 1 }));
    expect(new LPPool2d(2, 3).toString()).toBe('LPPool2d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False)');
    same(new AdaptiveAvgPool1d(4).forward(x1), F.adaptiveAvgPool1d(x1, 4));
    same(new AdaptiveAvgPool3d([null, 3, 2]).forward(x3), F.adaptiveAvgPool3d(x3, [null, 3, 2]));
    same(new AdaptiveMaxPool1d(4).forward(x1), F.adaptiveMaxPool1d(x1, 4));
    expect(new AdaptiveMaxPool1d(4).forwardWithIndices(x1)[1].shape).toEqual([2, 4, 4]);
    same(new ChannelwisePool({ p: 3 }).forward(x2), F.channelwisePool(x2, { p: 3 }));
    same(new CrossChannelPool(2, { mode: 'avg' }).forward(x2), F.crossChannelPool(x2, 2, { mode: 'avg' }));
    same(new Maxout(2).forward(x2), F.maxout(x2, 2));
    expect(new Maxout(2).forward(x2).shape).toEqual([2, 2, 8, 8]);
  });
  it('MaxPool2d.forwardWithIndices feeds MaxUnpool2d.unpool; MaxUnpool1d likewise', () => {
    const pool = new MaxPool2d(2), unpool = new MaxUnpool2d(2);
    const [y, idx] = pool.forwardWithIndices(x2);
    const back = unpool.unpool(y, idx);
    expect(back.shape).toEqual([2, 4, 8, 8]);
    // every pooled value lands where it came from, the rest is zero
    const b = back.data.toArray(), xv = x2.toArray();
    let kept = 0;
    for (let i = 0; i < b.length; i++) if (b[i] !== 0) { expect(b[i]).toBe(xv[i]); kept++; }
    expect(kept).toBe(y.data.size);
    expect(() => unpool.forward(y)).toThrow('MaxUnpool2d: forward(x) has no indices; expected unpool(x, indices, outputSize?)');
    const [y1, i1] = new MaxPool1d(3).forwardWithIndices(x1);
    expect(new MaxUnpool1d(3).unpool(y1, i1, [9]).shape).toEqual([2, 4, 9]);
  });
  it('parameter-free modules chain in Sequential', () => {
    const net = new Sequential(new Maxout(2), new CrossChannelPool(2), new ChannelwisePool('avg'));
    expect(net.forward(x2).shape).toEqual([2, 1, 1, 1]);
    expect(net.parameters()).toHaveLength(0);
  });
});
