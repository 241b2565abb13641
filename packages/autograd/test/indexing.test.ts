// select / index on Variables against PyTorch 1.13 (scripts/fixtures/tensor_methods.py): outputs
// and input gradients; gradchecks; comparisons on Variables; printing a Variable; bad arguments.
import { describe, it, expect } from 'vitest';
import { Generator, Tensor, kernels, randn, tensor, zeros } from '@tapegrad/tensor';
import { loadFixture, toTensor, expectClose, type EncodedTensor } from '../../../test-utils/fixtures.js';
import { Variable, OpContext, defineOp, gradcheck, select, index, eq, ne, lt, le, gt, ge, noGrad } from '../src/index.js';

interface GradCase {
  kind: 'select' | 'index'; name: string; x: EncodedTensor; dim: number; index?: number; indices?: EncodedTensor;
  out: EncodedTensor; upstream: EncodedTensor; grad: EncodedTensor;
}
interface ReprCase { kind: 'variableRepr'; name: string; op: string; x: EncodedTensor; repr: string; expected: string }

const fixture = loadFixture<GradCase | ReprCase>(new URL('./fixtures/indexing.json', import.meta.url));
const EXACT = { atol: 0, rtol: 1e-8 };

describe('select and index against PyTorch 1.13 fixtures', () => {
  for (const c of fixture.cases) {
    if (c.kind === 'variableRepr') continue;
    it(`${c.name} (output and gradient)`, () => {
      const x = new Variable(toTensor(c.x), { requiresGrad: true });
      const y = c.kind === 'select' ? x.select(c.dim, c.index!) : x.index(c.dim, toTensor(c.indices!));
      expectClose(y.data, c.out, { ...EXACT, label: 'output' });
      y.backward(toTensor(c.upstream));
      expectClose(x.grad!, c.grad, { label: 'grad input' });
    });
  }
});

describe('Variable toString against PyTorch 1.13 fixtures', () => {
  const ops: Record<string, (x: Variable) => Variable> = {
    leaf: (x) => x,
    'add 1': (x) => x.add(1),
    'mul 2': (x) => x.mul(2),
    'select 0 1': (x) => x.select(0, 1),
    'index 1 [2, 0]': (x) => x.index(1, [2, 0]),
    detached: (x) => x.detach().add(1),
  };
  for (const c of fixture.cases) {
    if (c.kind !== 'variableRepr') continue;
    it(c.name, () => {
      const x = new Variable(toTensor(c.x), { requiresGrad: true });
      expect(ops[c.op]!(x).toString()).toBe(c.expected);
    });
  }
  it('a result computed without grad prints no grad_fn', () => {
    const x = new Variable(tensor([1, 2]), { requiresGrad: true });
    expect(noGrad(() => x.mul(2)).toString()).toBe('tensor([2., 4.], shape [2])');
  });
  it('the grad_fn is named after the op, a custom op\'s too (camelCase names keep their inner capitals)', () => {
    const x = new Variable(tensor([[1, 2]]), { requiresGrad: true });
    expect(x.sum().toString()).toBe('tensor(3., shape [], grad_fn=<SumBackward>)');
    const twice = defineOp({
      name: 'twiceAsMuch',
      forward(_ctx: OpContext<Record<string, never>>, t: Tensor): Tensor { return kernels.unary('mulScalar', t, 2); },
      backward(_ctx: OpContext<Record<string, never>>, g: Tensor) { return [kernels.unary('mulScalar', g, 2)]; },
    });
    expect(twice(x).toString()).toBe('tensor([[2., 4.]], shape [1, 2], grad_fn=<TwiceAsMuchBackward>)');
  });
});

describe('select and index gradcheck', () => {
  const g = new Generator(17);
  const leaf = (...shape: number[]): Variable => new Variable(randn(shape, { generator: g }), { requiresGrad: true });
  const cases: [string, (x: Variable) => Variable, number[]][] = [
    ['select dim 0 index 1', (x) => select(x, 0, 1), [3, 4]],
    ['select dim -1 index -2', (x) => x.select(-1, -2), [2, 3, 4]],
    ['select of a 1-d input gives a 0-d output', (x) => x.select(0, 2), [4]],
    ['index dim 0 with repeats', (x) => index(x, 0, [2, 0, 2, 2]), [3, 4]],
    ['index dim 1 with 2-d indices', (x) => x.index(1, tensor([[0, 3], [-1, 1]])), [2, 4, 3]],
    ['index dim 2 with a 0-d index', (x) => x.index(2, tensor(1)), [2, 2, 3]],
    ['index of a transposed view', (x) => x.transpose(0, 1).index(0, [1, 1, 0]), [3, 2]],
  ];
  for (const [name, fn, shape] of cases) {
    it(name, () => expect(gradcheck(fn, [leaf(...shape)])).toBe(true));
  }
});

describe('comparisons on Variables', () => {
  const a = new Variable(tensor([[1, 2, 3], [4, 5, 6]]), { requiresGrad: true });
  const arr = (t: Tensor): number[] => Array.from(t.toArray());
  it('take a Variable, a Tensor or a number and give a 0/1 Tensor', () => {
    const b = new Variable(tensor([1, 5, 3]));
    const r = a.eq(b);
    expect(r).toBeInstanceOf(Tensor);
    expect(r.shape).toEqual([2, 3]);
    expect(arr(r)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(arr(a.ne(tensor([1, 5, 3])))).toEqual([0, 1, 0, 1, 0, 1]);
    expect(arr(a.lt(3))).toEqual([1, 1, 0, 0, 0, 0]);
    expect(arr(a.le(3))).toEqual([1, 1, 1, 0, 0, 0]);
    expect(arr(a.gt(tensor([[2], [5]])))).toEqual([0, 0, 1, 0, 0, 1]);
    expect(arr(a.ge(b))).toEqual([1, 0, 1, 1, 1, 1]);
  });
  it('a Tensor compares with a Variable too, and the functions take a number first', () => {
    expect(arr(tensor([1, 2, 3]).eq(a))).toEqual([1, 1, 1, 0, 0, 0]);
    expect(arr(eq(2, a))).toEqual([0, 1, 0, 0, 0, 0]);
    expect(arr(ne(a, 2))).toEqual([1, 0, 1, 1, 1, 1]);
    expect(arr(lt(a, a))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(arr(le(a, a))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(arr(gt(4, a))).toEqual([1, 1, 1, 0, 0, 0]);
    expect(arr(ge(tensor(4), a))).toEqual([1, 1, 1, 1, 0, 0]);
  });
  it('record nothing: no gradient flows and the input keeps none', () => {
    const m = a.gt(2);
    const y = a.mul(m).sum();
    y.backward();
    expect(arr(a.grad!)).toEqual([0, 0, 1, 1, 1, 1]);
  });
  it('refuse shapes that do not broadcast', () => {
    expect(() => a.lt(zeros([2]))).toThrow('lt: shapes [2, 3] and [2] cannot be broadcast together (dim -1: 3 vs 2); expected equal sizes or 1');
  });
  it('refuse an operand that is not a Tensor, Variable or number', () => {
    expect(() => tensor([1]).eq('1' as unknown as number)).toThrow('eq: other 1 is not a Tensor, Variable or number; expected one of them');
  });
});

describe('select and index bad arguments', () => {
  const x = new Variable(zeros([2, 3]), { requiresGrad: true });
  const cases: [string, () => unknown, string][] = [
    ['select index out of range', () => x.select(1, 5), 'select: index 5 is out of range for dim 1 of size 3; expected -3 to 2'],
    ['select negative index out of range', () => x.select(0, -3), 'select: index -3 is out of range for dim 0 of size 2; expected -2 to 1'],
    ['select non-integer index', () => x.select(0, 0.5), 'select: index 0.5 is not an integer; expected an integer from -2 to 1'],
    ['select dim out of range', () => x.select(2, 0), 'select: dim 2 is out of range for a tensor of rank 2; expected an integer in [-2, 1]'],
    ['select of a 0-d tensor', () => tensor(1).select(0, 0), 'select: tensor of shape [] has no dims; expected a tensor with at least 1 dim'],
    ['select of an empty dim', () => zeros([0, 2]).select(0, 0), 'select: index 0 is out of range for dim 0 of size 0; expected a non-empty dim'],
    ['index out of range', () => x.index(1, [0, 3]), 'index: index 3 (indices entry 1) is out of range for dim 1 of size 3; expected -3 to 2'],
    ['index non-integer entry', () => x.index(0, tensor([0.5])), 'index: indices entry 0.5 at position 0 is not an integer; expected integers from -2 to 1'],
    ['index NaN entry', () => x.index(0, tensor([NaN])), 'index: indices entry NaN at position 0 is not an integer; expected integers from -2 to 1'],
    ['index not a tensor or array', () => x.index(0, 1 as unknown as number[]), 'index: indices 1 is not a Tensor or an array of integers; expected one of them'],
    ['index dim out of range', () => x.index(-3, [0]), 'index: dim -3 is out of range for a tensor of rank 2; expected an integer in [-2, 1]'],
  ];
  for (const [name, fn, message] of cases) it(name, () => expect(fn).toThrow(message));
  it('nothing is recorded when select refuses its input', () => {
    expect(() => x.select(0, 9)).toThrow();
    expect(x.grad).toBeNull();
  });
});
