import { describe, it, expect } from 'vitest';
import { Generator, randn, rand, tensor, zeros, type Tensor } from '@tapegrad/tensor';
import { Variable, gradcheck } from '@tapegrad/autograd';
import { F, NLLLoss, MSELoss, BCEWithLogitsLoss, CrossEntropyLoss, type Module } from '../src/index.js';
import { loadFixture, toTensor, expectClose, type EncodedTensor } from '../../../test-utils/fixtures.js';

interface LossCase {
  name: string; op: 'nllLoss' | 'mseLoss' | 'binaryCrossEntropyWithLogits';
  opts: { reduction?: F.Reduction; ignoreIndex?: number };
  x: EncodedTensor; target: EncodedTensor; out: EncodedTensor; g: EncodedTensor; gx: EncodedTensor;
  gtarget?: EncodedTensor; weight?: EncodedTensor; posWeight?: EncodedTensor;
}

const fixture = loadFixture<LossCase>(new URL('./fixtures/nn_loss.json', import.meta.url));
const leaf = (t: Tensor): Variable => new Variable(t, { requiresGrad: true });

function module(c: LossCase): Module {
  const w = c.weight ? { weight: toTensor(c.weight) } : {};
  if (c.op === 'nllLoss') return new NLLLoss({ ...c.opts, ...w });
  if (c.op === 'mseLoss') return new MSELoss(c.opts);
  return new BCEWithLogitsLoss({ ...c.opts, ...w, ...(c.posWeight ? { posWeight: toTensor(c.posWeight) } : {}) });
}

describe('losses against PyTorch 1.13 fixtures', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const x = leaf(toTensor(c.x));
      const differentiableTarget = c.gtarget !== undefined;
      const t = differentiableTarget ? leaf(toTensor(c.target)) : null;
      const target = toTensor(c.target);
      let y: Variable;
      if (c.op === 'nllLoss') y = F.nllLoss(x, target, { ...c.opts, ...(c.weight ? { weight: toTensor(c.weight) } : {}) });
      else if (c.op === 'mseLoss') y = F.mseLoss(x, t!, c.opts);
      else y = F.binaryCrossEntropyWithLogits(x, t!, {
        ...c.opts, ...(c.weight ? { weight: toTensor(c.weight) } : {}), ...(c.posWeight ? { posWeight: toTensor(c.posWeight) } : {}),
      });
      expectClose(y.data, c.out, { label: 'loss' });
      y.backward(toTensor(c.g));
      expectClose(x.grad!, c.gx, { label: 'grad input' });
      if (t) expectClose(t.grad!, c.gtarget!, { label: 'grad target' });
      // The module form gives the same loss.
      const m = module(c) as Module & { forward(i: Variable | Tensor, t?: Tensor): Variable };
      expectClose(m.forward(toTensor(c.x), target).data, c.out, { label: 'module loss' });
    });
  }
});

describe('loss gradcheck', () => {
  const g = new Generator(6);
  it('nllLoss weighted mean with an ignored sample', () => {
    const x = leaf(randn([4, 3], { generator: g }));
    const opts = { weight: tensor([0.5, 2, 1]), ignoreIndex: 1 };
    expect(gradcheck((a) => F.nllLoss(a, tensor([0, 1, 2, 2]), opts), [x])).toBe(true);
  });
  it('mseLoss sum, both arguments', () => {
    const x = leaf(randn([2, 3], { generator: g })), y = leaf(randn([2, 3], { generator: g }));
    expect(gradcheck((a, b) => F.mseLoss(a, b, { reduction: 'sum' }), [x, y])).toBe(true);
  });
  it('binaryCrossEntropyWithLogits with posWeight and weight, both arguments', () => {
    const x = leaf(randn([3, 2], { generator: g })), y = leaf(rand([3, 2], { generator: g }));
    const opts = { posWeight: tensor([2, 0.5]), weight: tensor([1, 3]) };
    expect(gradcheck((a, b) => F.binaryCrossEntropyWithLogits(a, b, opts), [x, y])).toBe(true);
  });
  it('binaryCrossEntropyWithLogits stays finite for large logits', () => {
    const y = F.binaryCrossEntropyWithLogits(tensor([100, -100]), tensor([1, 0]), { reduction: 'none' }).data.toArray();
    expect(Array.from(y)).toEqual([0, 0]);
    const z = F.binaryCrossEntropyWithLogits(tensor([100, -100]), tensor([0, 1]), { reduction: 'none' }).data.toArray();
    expect(Array.from(z)).toEqual([100, 100]);
  });
});

describe('CrossEntropyLoss module', () => {
  it('wraps F.crossEntropy with its options; weight is a buffer', () => {
    const logits = randn([4, 3], { generator: new Generator(1) }), y = tensor([0, 2, 1, 1]);
    const opts = { weight: tensor([1, 2, 0.5]), labelSmoothing: 0.1 };
    const m = new CrossEntropyLoss(opts);
    expect(m.forward(logits, y).item()).toBeCloseTo(F.crossEntropy(logits, y, opts).item(), 6);
    expect(Object.keys(m.stateDict())).toEqual(['weight']);
    expect(m.parameters()).toEqual([]);
  });
});

describe('loss bad input', () => {
  const cases: [string, () => unknown, string][] = [
    ['nllLoss target out of range', () => F.nllLoss(zeros([3, 2]), tensor([0, 2, 1])), 'nllLoss: target 2 at index 1 is out of range; expected a class index in [0, 1] or ignoreIndex -100'],
    ['nllLoss target of the wrong length', () => F.nllLoss(zeros([3, 2]), tensor([0, 1])), 'nllLoss: target shape [2] does not fit input [3, 2]; expected class indices of shape [3]'],
    ['nllLoss fractional target', () => F.nllLoss(zeros([1, 2]), tensor([0.5])), 'nllLoss: target 0.5 at index 0 is out of range; expected a class index in [0, 1] or ignoreIndex -100'],
    ['nllLoss weight of the wrong length', () => F.nllLoss(zeros([1, 2]), tensor([0]), { weight: tensor([1, 2, 3]) }), 'nllLoss: weight shape [3] does not match 2 classes; expected [2]'],
    ['nllLoss unknown reduction', () => F.nllLoss(zeros([1, 2]), tensor([0]), { reduction: 'max' as 'sum' }), "nllLoss: reduction 'max' is not supported; expected 'mean', 'sum' or 'none'"],
    ['mseLoss shape mismatch', () => F.mseLoss(zeros([2, 3]), zeros([3])), 'mseLoss: target shape [3] does not match input [2, 3]; expected the same shape'],
    ['bce target shape mismatch', () => F.binaryCrossEntropyWithLogits(zeros([2, 3]), zeros([2])), 'binaryCrossEntropyWithLogits: target shape [2] does not match input [2, 3]; expected the same shape'],
    ['bce posWeight not broadcastable', () => F.binaryCrossEntropyWithLogits(zeros([2, 3]), zeros([2, 3]), { posWeight: zeros([2]) }),
      'binaryCrossEntropyWithLogits: posWeight shape [2] does not broadcast to input [2, 3]; expected a shape broadcastable to [2, 3]'],
    ['loss module without a target', () => new MSELoss().forward(zeros([2])), 'MSELoss: target is missing; expected forward(input, target)'],
  ];
  for (const [name, fn, message] of cases) it(name, () => expect(fn).toThrow(message));
});
