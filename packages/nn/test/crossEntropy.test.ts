// F.crossEntropy against PyTorch 1.13 (scripts/fixtures/core_ops.py writes fixtures/core_nn.json),
// a numeric gradcheck, and the argument errors.
import { describe, it, expect } from 'vitest';
import { Tensor, tensor, randn, Generator } from '@tapegrad/tensor';
import { Variable, gradcheck } from '@tapegrad/autograd';
import { loadFixture, toTensor, expectClose, type EncodedTensor } from '../../../test-utils/fixtures.js';
import { F, type CrossEntropyOptions, type Reduction } from '../src/index.js';

interface Case {
  name: string;
  op: string;
  options: { reduction?: Reduction; labelSmoothing?: number; ignoreIndex?: number };
  inputs: EncodedTensor[];
  consts: Record<string, EncodedTensor>;
  output: EncodedTensor;
  upstream: EncodedTensor;
  grads: EncodedTensor[];
}

const fixture = loadFixture<Case>(new URL('./fixtures/core_nn.json', import.meta.url));
const cases = fixture.cases.filter((c) => c.op === 'crossEntropy');

function options(c: Case): CrossEntropyOptions {
  const o: CrossEntropyOptions = {};
  if (c.options.reduction !== undefined) o.reduction = c.options.reduction;
  if (c.options.labelSmoothing !== undefined) o.labelSmoothing = c.options.labelSmoothing;
  if (c.options.ignoreIndex !== undefined) o.ignoreIndex = c.options.ignoreIndex;
  if (c.consts['weight']) o.weight = toTensor(c.consts['weight']);
  return o;
}

describe(`crossEntropy vs PyTorch ${fixture.torch_version} (${fixture.script})`, () => {
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  for (const c of cases) {
    it(c.name, () => {
      const x = new Variable(toTensor(c.inputs[0]!), { requiresGrad: true });
      const loss = F.crossEntropy(x, toTensor(c.consts['target']!), options(c));
      expectClose(loss.data, c.output, { label: 'loss' });
      loss.backward(toTensor(c.upstream));
      expectClose(x.grad!, c.grads[0]!, { label: 'grad of logits' });
    });
  }
});

describe('crossEntropy gradcheck', () => {
  const g = new Generator(7);
  const weight = tensor([0.5, 2, 1]);
  const idx = tensor([2, 0, -100, 1]);
  const probs = F.softmax(randn([4, 3], { generator: g }), 1).data;
  const check = (target: Tensor, opts: CrossEntropyOptions): void => {
    const x = new Variable(randn([4, 3], { generator: g }), { requiresGrad: true });
    expect(gradcheck((v) => F.crossEntropy(v, target, opts), [x])).toBe(true);
  };
  it('crossEntropy index targets + weight + ignoreIndex + labelSmoothing', () => check(idx, { weight, labelSmoothing: 0.2 }));
  it('crossEntropy index targets reduction=none', () => check(idx, { reduction: 'none' }));
  it('crossEntropy probability targets + weight reduction=sum', () => check(probs, { weight, reduction: 'sum' }));
});

describe('crossEntropy errors', () => {
  const x = new Variable(randn([2, 3], { generator: new Generator(1) }));
  it('target out of range', () => {
    expect(() => F.crossEntropy(x, tensor([0, 3]))).toThrow('crossEntropy: target 3 at index 1 is out of range; expected a class index in [0, 2] or ignoreIndex -100');
  });
  it('negative target', () => {
    expect(() => F.crossEntropy(x, tensor([-1, 0]))).toThrow('crossEntropy: target -1 at index 0 is out of range; expected a class index in [0, 2] or ignoreIndex -100');
  });
  it('non-integer target', () => {
    expect(() => F.crossEntropy(x, tensor([0.5, 0]))).toThrow('crossEntropy: target 0.5 at index 0 is out of range');
  });
  it('NaN target', () => {
    expect(() => F.crossEntropy(x, tensor([NaN, 0]))).toThrow('crossEntropy: target NaN at index 0 is out of range');
  });
  it('targets of the wrong shape', () => {
    expect(() => F.crossEntropy(x, tensor([0, 1, 2]))).toThrow('crossEntropy: targets shape [3] does not fit logits [2, 3]; expected class indices of shape [2] or probabilities of shape [2, 3]');
  });
  it('weight of the wrong shape', () => {
    expect(() => F.crossEntropy(x, tensor([0, 1]), { weight: tensor([1, 1]) })).toThrow('crossEntropy: weight shape [2] does not match 3 classes; expected [3]');
  });
  it('labelSmoothing out of range', () => {
    expect(() => F.crossEntropy(x, tensor([0, 1]), { labelSmoothing: 1.5 })).toThrow('crossEntropy: labelSmoothing 1.5 is out of range; expected a number in [0, 1]');
    expect(() => F.crossEntropy(x, tensor([0, 1]), { labelSmoothing: NaN })).toThrow('crossEntropy: labelSmoothing NaN is out of range; expected a number in [0, 1]');
  });
  it('unknown reduction', () => {
    expect(() => F.crossEntropy(x, tensor([0, 1]), { reduction: 'avg' as Reduction })).toThrow("crossEntropy: reduction 'avg' is not supported; expected 'mean', 'sum' or 'none'");
  });
  it('0-d logits', () => {
    expect(() => F.crossEntropy(new Variable(tensor(1)), tensor(0))).toThrow('crossEntropy: logits shape [] has rank 0; expected (N, C) or (C)');
  });
});
