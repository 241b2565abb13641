import { describe, it, expect } from 'vitest';
import { Generator, randn, zeros, type Tensor } from '@tapegrad/tensor';
import { Variable, gradcheck } from '@tapegrad/autograd';
import { F, Conv2d, Conv1d } from '../src/index.js';
import { loadFixture, toTensor, expectClose, type EncodedTensor } from '../../../test-utils/fixtures.js';

interface ConvCase {
  name: string;
  dims: 1 | 2;
  opts: { stride?: number | number[]; padding?: number | number[] | 'same' | 'valid'; dilation?: number | number[]; groups?: number };
  x: EncodedTensor; w: EncodedTensor; b?: EncodedTensor;
  out: EncodedTensor; g: EncodedTensor; gx: EncodedTensor; gw: EncodedTensor; gb?: EncodedTensor;
}

const fixture = loadFixture<ConvCase>(new URL('./fixtures/nn_conv.json', import.meta.url));
const leaf = (t: Tensor): Variable => new Variable(t, { requiresGrad: true });

function runConv(c: ConvCase, x: Variable, w: Variable, b: Variable | null): Variable {
  if (c.dims === 2) return F.conv2d(x, w, b, c.opts as F.Conv2dOptions);
  return F.conv1d(x, w, b, c.opts as F.Conv1dOptions);
}

describe('conv2d / conv1d against PyTorch 1.13 fixtures', () => {
  it('records torch 1.13', () => expect(fixture.torch_version).toMatch(/^1\.13/));
  for (const c of fixture.cases) {
    it(c.name, () => {
      const x = leaf(toTensor(c.x)), w = leaf(toTensor(c.w)), b = c.b ? leaf(toTensor(c.b)) : null;
      const y = runConv(c, x, w, b);
      expectClose(y.data, c.out, { atol: 1e-4, label: 'output' });
      y.backward(toTensor(c.g));
      expectClose(x.grad!, c.gx, { atol: 1e-4, label: 'grad input' });
      expectClose(w.grad!, c.gw, { atol: 1e-4, label: 'grad weight' });
      if (b) expectClose(b.grad!, c.gb!, { atol: 1e-4, label: 'grad bias' });
    });
  }
});

describe('conv2d gradcheck', () => {
  const g = new Generator(3);
  const cases: [string, number[], number[], F.Conv2dOptions][] = [
    ['stride 2 pad 1', [2, 2, 5, 5], [3, 2, 3, 3], { stride: 2, padding: 1 }],
    ['dilation 2 groups 2', [1, 4, 6, 6], [4, 2, 2, 3], { dilation: 2, groups: 2, padding: [1, 2] }],
    ['depthwise same even kernel', [2, 3, 4, 5], [3, 1, 2, 2], { groups: 3, padding: 'same' }],
    ['1x1 pointwise', [2, 3, 3, 4], [2, 3, 1, 1], {}],
    ['unbatched non-square stride [1, 2]', [2, 4, 5], [3, 2, 3, 2], { stride: [1, 2] }],
  ];
  for (const [name, xs, ws, opts] of cases) {
    it(`conv2d ${name}`, () => {
      const x = leaf(randn(xs, { generator: g })), w = leaf(randn(ws, { generator: g })), b = leaf(randn([ws[0]!], { generator: g }));
      expect(gradcheck((a, c, d) => F.conv2d(a, c, d, opts), [x, w, b], { atol: 2e-2 })).toBe(true);
    });
  }
  it('conv1d stride 2 same-free padding 1 groups 2', () => {
    const x = leaf(randn([2, 4, 7], { generator: g })), w = leaf(randn([2, 2, 3], { generator: g })), b = leaf(randn([2], { generator: g }));
    expect(gradcheck((a, c, d) => F.conv1d(a, c, d, { stride: 2, padding: 1, groups: 2 }), [x, w, b], { atol: 2e-2 })).toBe(true);
  });
});

describe('conv2d bad input', () => {
  const w = zeros([32, 1, 5, 5]);
  const cases: [string, () => unknown, string][] = [
    ['input rank 2', () => F.conv2d(zeros([28, 28]), w), 'conv2d: input shape [28, 28] has rank 2; expected (N, C, H, W) or (C, H, W)'],
    ['channels do not match the weight', () => F.conv2d(zeros([2, 3, 8, 8]), w), 'conv2d: input has 3 channels but weight expects 1 (weight [32, 1, 5, 5], groups 1)'],
    ['weight rank 3', () => F.conv2d(zeros([1, 1, 8, 8]), zeros([2, 1, 3])), 'conv2d: weight shape [2, 1, 3] has rank 3; expected (outChannels, inChannels / groups, kH, kW)'],
    ['groups not dividing the input channels', () => F.conv2d(zeros([1, 3, 8, 8]), zeros([4, 1, 3, 3]), null, { groups: 2 }),
      'conv2d: groups 2 does not divide the 3 input channels (input [1, 3, 8, 8]); expected a divisor of 3'],
    ['groups not dividing the output channels', () => F.conv2d(zeros([1, 4, 8, 8]), zeros([3, 2, 3, 3]), null, { groups: 2 }),
      'conv2d: groups 2 does not divide the 3 output channels of weight [3, 2, 3, 3]; expected a divisor of 3'],
    ['groups 0', () => F.conv2d(zeros([1, 1, 8, 8]), w, null, { groups: 0 }), 'conv2d: groups 0 must be a positive integer; expected an integer >= 1'],
    ['kernel larger than the padded input', () => F.conv2d(zeros([1, 1, 2, 2]), w, null, { padding: 1 }),
      'conv2d: kernelSize 5x5 exceeds the padded input 4x4 (input 2x2, padding 1x1); expected at most 4x4'],
    ['dilated kernel larger than the input', () => F.conv2d(zeros([1, 1, 6, 6]), zeros([1, 1, 3, 3]), null, { dilation: 3 }),
      'conv2d: kernelSize 3x3 (dilated 7x7) exceeds the padded input 6x6 (input 6x6, padding 0x0); expected at most 6x6'],
    ['stride 0', () => F.conv2d(zeros([1, 1, 8, 8]), w, null, { stride: 0 }), 'conv2d: stride 0 must be a positive integer; expected an integer >= 1'],
    ['stride pair with 0', () => F.conv2d(zeros([1, 1, 8, 8]), w, null, { stride: [1, 0] }), 'conv2d: stride [1, 0] must be a positive integer or 2 of them; expected integers >= 1'],
    ['dilation 0', () => F.conv2d(zeros([1, 1, 8, 8]), w, null, { dilation: 0 }), 'conv2d: dilation 0 must be a positive integer; expected an integer >= 1'],
    ['negative padding', () => F.conv2d(zeros([1, 1, 8, 8]), w, null, { padding: -1 }), 'conv2d: padding -1 must be a non-negative integer; expected an integer >= 0'],
    ["padding 'same' with stride 2", () => F.conv2d(zeros([1, 1, 8, 8]), w, null, { padding: 'same', stride: 2 }),
      "conv2d: padding 'same' is not supported with stride [2, 2]; expected stride 1 (or explicit padding)"],
    ['unknown padding string', () => F.conv2d(zeros([1, 1, 8, 8]), w, null, { padding: 'full' as 'same' }),
      "conv2d: padding 'full' is not supported; expected a non-negative integer, a pair, 'same' or 'valid'"],
    ['bias of the wrong length', () => F.conv2d(zeros([1, 1, 8, 8]), w, zeros([3])), 'conv2d: bias shape [3] does not match the 32 output channels of weight [32, 1, 5, 5]; expected [32]'],
    ['conv1d input rank 4', () => F.conv1d(zeros([1, 1, 4, 4]), zeros([1, 1, 3])), 'conv1d: input shape [1, 1, 4, 4] has rank 4; expected (N, C, L) or (C, L)'],
    ['Conv2d groups not dividing inChannels', () => new Conv2d(3, 4, 3, { groups: 2 }), 'Conv2d: groups 2 does not divide inChannels 3; expected a divisor of 3'],
    ["Conv2d padding 'same' with stride 2", () => new Conv2d(1, 1, 3, { padding: 'same', stride: 2 }), "Conv2d: padding 'same' is not supported with stride [2, 2]; expected stride 1 (or explicit padding)"],
    ['Conv2d kernelSize 0', () => new Conv2d(1, 1, 0), 'Conv2d: kernelSize 0 must be a positive integer; expected an integer >= 1'],
  ];
  for (const [name, fn, message] of cases) it(name, () => expect(fn).toThrow(message));
});

describe('Conv2d / Conv1d modules', () => {
  it('Conv2d(1, 32, 5, padding 2) keeps 28x28 and has PyTorch keys and shapes', () => {
    const m = new Conv2d(1, 32, 5, { padding: 2, generator: new Generator(0) });
    expect(m.forward(zeros([2, 1, 28, 28])).shape).toEqual([2, 32, 28, 28]);
    expect(Object.keys(m.stateDict())).toEqual(['weight', 'bias']);
    expect(m.weight.shape).toEqual([32, 1, 5, 5]);
    expect(m.toString()).toBe('Conv2d(1, 32, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))');
  });
  it('default init lies in U(-1/sqrt(fanIn), 1/sqrt(fanIn)) and spreads over it', () => {
    const m = new Conv2d(8, 16, 3, { generator: new Generator(1) });
    const bound = 1 / Math.sqrt(8 * 9);
    for (const p of [m.weight, m.bias!]) {
      const v = p.data.toArray();
      expect(Math.max(...v)).toBeLessThanOrEqual(bound);
      expect(Math.min(...v)).toBeGreaterThanOrEqual(-bound);
    }
    const w = m.weight.data.toArray();
    expect(Math.max(...w)).toBeGreaterThan(0.9 * bound);
    expect(Math.min(...w)).toBeLessThan(-0.9 * bound);
    // variance of U(-b, b) is b^2 / 3
    const varW = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(varW).toBeGreaterThan(0.8 * bound * bound / 3);
    expect(varW).toBeLessThan(1.2 * bound * bound / 3);
  });
  it('the same generator seed gives the same weights bit for bit', () => {
    const a = new Conv2d(3, 4, [2, 3], { generator: new Generator(7) });
    const b = new Conv2d(3, 4, [2, 3], { generator: new Generator(7) });
    expect(a.weight.data.toArray()).toEqual(b.weight.data.toArray());
    expect(a.bias!.data.toArray()).toEqual(b.bias!.data.toArray());
  });
  it('bias: false leaves no bias parameter or key', () => {
    const m = new Conv2d(2, 2, 1, { bias: false });
    expect(m.bias).toBeNull();
    expect(Object.keys(m.stateDict())).toEqual(['weight']);
    expect(m.toString()).toContain('bias=False');
  });
  it('Conv2d module matches F.conv2d with its weights (groups, dilation, same)', () => {
    const m = new Conv2d(4, 6, 3, { groups: 2, dilation: 2, padding: 'same', generator: new Generator(2) });
    const x = randn([1, 4, 6, 6], { generator: new Generator(3) });
    const ref = F.conv2d(x, m.weight, m.bias, { groups: 2, dilation: 2, padding: 'same' });
    expect(m.forward(x).data.toArray()).toEqual(ref.data.toArray());
    expect(ref.shape).toEqual([1, 6, 6, 6]);
  });
  it('Conv1d(3, 5, 3, stride 2) maps (N, 3, 9) to (N, 5, 4) and has weight (5, 3, 3)', () => {
    const m = new Conv1d(3, 5, 3, { stride: 2 });
    expect(m.forward(zeros([2, 3, 9])).shape).toEqual([2, 5, 4]);
    expect(m.weight.shape).toEqual([5, 3, 3]);
    expect(m.toString()).toBe('Conv1d(3, 5, kernel_size=(3,), stride=(2,))');
  });
});
