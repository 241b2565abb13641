import { describe, it, expect } from 'vitest';
import { Generator, randn, zeros, tensor, type Tensor } from '@tapegrad/tensor';
import { Variable, gradcheck } from '@tapegrad/autograd';
import { F, BatchNorm1d, BatchNorm2d, Buffer, Sequential, Conv2d } from '../src/index.js';
import { loadFixture, toTensor, expectClose, type EncodedTensor } from '../../../test-utils/fixtures.js';

interface NormCase {
  name: string; training: boolean; momentum: number; eps: number;
  x: EncodedTensor; out: EncodedTensor; g: EncodedTensor; gx: EncodedTensor;
  runningMean?: EncodedTensor; runningVar?: EncodedTensor; runningMeanAfter?: EncodedTensor; runningVarAfter?: EncodedTensor;
  weight?: EncodedTensor; bias?: EncodedTensor; gweight?: EncodedTensor; gbias?: EncodedTensor;
}

const fixture = loadFixture<NormCase>(new URL('./fixtures/nn_norm.json', import.meta.url));
const leaf = (t: Tensor): Variable => new Variable(t, { requiresGrad: true });

describe('batchNorm against PyTorch 1.13 fixtures', () => {
  for (const c of fixture.cases) {
    it(`F.${c.name}`, () => {
      const x = leaf(toTensor(c.x));
      const w = c.weight ? leaf(toTensor(c.weight)) : null, b = c.bias ? leaf(toTensor(c.bias)) : null;
      const rm = c.runningMean ? new Buffer(toTensor(c.runningMean)) : null;
      const rv = c.runningVar ? new Buffer(toTensor(c.runningVar)) : null;
      const y = F.batchNorm(x, rm, rv, { weight: w, bias: b, training: c.training, momentum: c.momentum, eps: c.eps });
      expectClose(y.data, c.out, { atol: 1e-4, label: 'output' });
      if (rm) expectClose(rm.value, c.runningMeanAfter!, { label: 'running mean' });
      if (rv) expectClose(rv.value, c.runningVarAfter!, { label: 'running var' });
      y.backward(toTensor(c.g));
      expectClose(x.grad!, c.gx, { atol: 1e-4, label: 'grad input' });
      if (w) expectClose(w.grad!, c.gweight!, { atol: 1e-4, label: 'grad weight' });
      if (b) expectClose(b.grad!, c.gbias!, { atol: 1e-4, label: 'grad bias' });
    });
  }

  it('F.batchNorm updates a running-stat Tensor in place, as PyTorch', () => {
    const c = fixture.cases.find((k) => k.name === 'batchNorm 2d train')!;
    const rm = toTensor(c.runningMean!), rv = toTensor(c.runningVar!);
    F.batchNorm(toTensor(c.x), rm, rv, { weight: toTensor(c.weight!), bias: toTensor(c.bias!), training: true });
    expectClose(rm, c.runningMeanAfter!);
    expectClose(rv, c.runningVarAfter!);
  });

  it('BatchNorm2d module: train step, running stats and eval output match the fixture', () => {
    const train = fixture.cases.find((k) => k.name === 'batchNorm 2d train')!;
    const bn = new BatchNorm2d(3);
    bn.loadStateDict({
      weight: toTensor(train.weight!), bias: toTensor(train.bias!), running_mean: toTensor(train.runningMean!),
      running_var: toTensor(train.runningVar!), num_batches_tracked: zeros([]),
    });
    expectClose(bn.forward(toTensor(train.x)).data, train.out, { atol: 1e-4 });
    expectClose(bn.runningMean!.value, train.runningMeanAfter!);
    expectClose(bn.runningVar!.value, train.runningVarAfter!);
    expect(bn.numBatchesTracked!.value.item()).toBe(1);
    const ev = fixture.cases.find((k) => k.name === 'batchNorm 2d eval')!;
    bn.loadStateDict({
      weight: toTensor(ev.weight!), bias: toTensor(ev.bias!), running_mean: toTensor(ev.runningMean!),
      running_var: toTensor(ev.runningVar!), num_batches_tracked: zeros([]),
    });
    bn.eval();
    expectClose(bn.forward(toTensor(ev.x)).data, ev.out, { atol: 1e-4 });
    expectClose(bn.runningMean!.value, ev.runningMean!);
  });
});

describe('batchNorm gradcheck', () => {
  const g = new Generator(5);
  it('batchNorm train (N, C, H, W) with weight and bias', () => {
    const x = leaf(randn([3, 2, 2, 3], { generator: g })), w = leaf(randn([2], { generator: g })), b = leaf(randn([2], { generator: g }));
    expect(gradcheck((a, c, d) => F.batchNorm(a, null, null, { weight: c, bias: d, training: true }), [x, w, b], { atol: 2e-2 })).toBe(true);
  });
  it('batchNorm eval (N, C) with running stats', () => {
    const x = leaf(randn([4, 3], { generator: g })), w = leaf(randn([3], { generator: g })), b = leaf(randn([3], { generator: g }));
    const rm = randn([3], { generator: g }), rv = tensor([0.5, 1.5, 2]);
    expect(gradcheck((a, c, d) => F.batchNorm(a, rm, rv, { weight: c, bias: d }), [x, w, b])).toBe(true);
  });
  it('batchNorm train (N, C, L) without affine', () => {
    const x = leaf(randn([2, 3, 4], { generator: g }));
    expect(gradcheck((a) => F.batchNorm(a, null, null, { training: true }), [x], { atol: 2e-2 })).toBe(true);
  });
});

describe('BatchNorm modules', () => {
  it('buffers are in stateDict (PyTorch keys and order) but not in parameters()', () => {
    const m = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2));
    expect(Object.keys(m.stateDict())).toEqual([
      '0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked',
    ]);
    expect(m.namedParameters().map(([k]) => k)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    expect(m.stateDict()['1.num_batches_tracked']!.shape).toEqual([]);
  });
  it('affine false and trackRunningStats false drop their keys', () => {
    expect(Object.keys(new BatchNorm2d(4, { affine: false }).stateDict())).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    expect(Object.keys(new BatchNorm2d(4, { trackRunningStats: false }).stateDict())).toEqual(['weight', 'bias']);
  });
  it('trackRunningStats false normalises with batch statistics in eval too', () => {
    const bn = new BatchNorm1d(2, { trackRunningStats: false }).eval();
    const y = bn.forward(tensor([[1, 10], [3, 30]])).data.toArray();
    // mean 2 and 20, biased var 1 and 100: (x - mean) / sqrt(var + eps)
    expect(y[0]).toBeCloseTo(-1, 4);
    expect(y[3]).toBeCloseTo(1, 4);
  });
  it('momentum null keeps the cumulative average of the batch means', () => {
    const bn = new BatchNorm1d(1, { momentum: null, affine: false });
    bn.forward(tensor([[1], [3]]));
    bn.forward(tensor([[5], [7]]));
    bn.forward(tensor([[0], [0]]));
    expect(bn.runningMean!.value.item()).toBeCloseTo((2 + 6 + 0) / 3, 6);
    expect(bn.numBatchesTracked!.value.item()).toBe(3);
  });
  it('eval leaves the running statistics alone', () => {
    const bn = new BatchNorm2d(2).eval();
    bn.forward(randn([2, 2, 3, 3], { generator: new Generator(0) }));
    expect(bn.runningMean!.value.toArray()).toEqual(new Float32Array([0, 0]));
    expect(bn.numBatchesTracked!.value.item()).toBe(0);
  });
  it('toString matches PyTorch', () => {
    expect(new BatchNorm2d(16).toString()).toBe('BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
  });
});

describe('batchNorm bad input', () => {
  const cases: [string, () => unknown, string][] = [
    ['one value per channel in training (N = 1, 2-d input)', () => new BatchNorm1d(4).forward(zeros([1, 4])),
      'batchNorm: input shape [1, 4] has 1 value per channel; expected more than 1 value per channel when training'],
    ['one value per channel in training (1x1 spatial)', () => new BatchNorm2d(3).forward(zeros([1, 3, 1, 1])),
      'batchNorm: input shape [1, 3, 1, 1] has 1 value per channel; expected more than 1 value per channel when training'],
    ['wrong channel count', () => new BatchNorm2d(4).forward(zeros([2, 3, 4, 4])), 'BatchNorm2d: input shape [2, 3, 4, 4] has 3 channels; expected 4 (numFeatures)'],
    ['BatchNorm2d given a 3-d input', () => new BatchNorm2d(3).forward(zeros([3, 4, 4])), 'BatchNorm2d: input shape [3, 4, 4] has rank 3; expected (N, C, H, W)'],
    ['BatchNorm1d given a 4-d input', () => new BatchNorm1d(3).forward(zeros([2, 3, 4, 4])), 'BatchNorm1d: input shape [2, 3, 4, 4] has rank 4; expected (N, C) or (N, C, L)'],
    ['F.batchNorm rank 1', () => F.batchNorm(zeros([4]), null, null, { training: true }), 'batchNorm: input shape [4] has rank 1; expected (N, C, *)'],
    ['running mean of the wrong length', () => F.batchNorm(zeros([2, 4]), zeros([3]), zeros([4])), 'batchNorm: runningMean shape [3] does not match 4 channels; expected [4]'],
    ['eval without running stats', () => F.batchNorm(zeros([2, 4]), null, null), 'batchNorm: running mean is missing in evaluation mode; expected runningMean and runningVar when training is false'],
    ['numFeatures 0', () => new BatchNorm2d(0), 'BatchNorm2d: numFeatures 0 must be a positive integer; expected an integer >= 1'],
  ];
  for (const [name, fn, message] of cases) it(name, () => expect(fn).toThrow(message));
});
