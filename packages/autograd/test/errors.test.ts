// Bad arguments are refused at the op boundary with `<function>: <argument> <value> <problem>; expected <what>`.
import { describe, it, expect } from 'vitest';
import { Tensor, tensor, zeros } from '@tapegrad/tensor';
import {
  Variable, add, mul, where, matmul, sum, slice, cat, stack, pad, clamp, pow,
} from '../src/index.js';

const x = new Variable(zeros([2, 3]), { requiresGrad: true });

describe('incompatible broadcast', () => {
  it('add', () => {
    expect(() => add(x, zeros([4]))).toThrow('add: shapes [2, 3] and [4] cannot be broadcast together (dim -1: 3 vs 4); expected equal sizes or 1');
  });
  it('mul names the first mismatching dim', () => {
    expect(() => x.mul(zeros([3, 3]))).toThrow('mul: shapes [2, 3] and [3, 3] cannot be broadcast together (dim -2: 2 vs 3); expected equal sizes or 1');
  });
  it('pow', () => {
    expect(() => pow(x, zeros([5]))).toThrow('pow: shapes [2, 3] and [5] cannot be broadcast together (dim -1: 3 vs 5); expected equal sizes or 1');
  });
  it('where', () => {
    expect(() => where(zeros([5]), x, x)).toThrow('where: shapes [5] and [2, 3] cannot be broadcast together (dim -1: 5 vs 3); expected equal sizes or 1');
  });
  it('nothing is recorded when an op refuses its input', () => {
    expect(() => mul(x, zeros([4]))).toThrow();
    expect(x.grad).toBeNull();
  });
});

describe('matmul', () => {
  it('inner dimensions', () => {
    expect(() => matmul(x, zeros([2, 3]))).toThrow('matmul: inner dimensions do not match: [2, 3] @ [2, 3] (3 vs 2); expected the last dim of the first to equal the second-to-last dim of the second');
  });
  it('inner dimensions of vectors', () => {
    expect(() => matmul(zeros([4]), zeros([3]))).toThrow('matmul: inner dimensions do not match: [4] @ [3] (4 vs 3); expected the last dim of the first to equal the only dim of the second');
  });
  it('batch dims', () => {
    expect(() => matmul(zeros([2, 2, 3]), zeros([3, 3, 2]))).toThrow('matmul: batch dims of [2, 2, 3] @ [3, 3, 2] cannot be broadcast together ([2] vs [3]); expected equal sizes or 1');
  });
  it('0-d operand', () => {
    expect(() => matmul(tensor(1), zeros([3]))).toThrow('matmul: operand shapes [] and [3] include a 0-d tensor; expected at least 1 dim each');
  });
});

describe('reshape and views', () => {
  it('reshape to a different element count', () => {
    expect(() => x.reshape([4, 2])).toThrow('reshape: cannot reshape [2, 3] (6 elements) to [4, 2] (8 elements); expected 6 elements');
    expect(() => x.reshape([4, -1])).toThrow('reshape: cannot reshape [2, 3] (6 elements) to [4, -1]; expected a shape with 6 elements');
  });
  it('reshape with two -1', () => {
    expect(() => x.reshape([-1, -1])).toThrow('reshape: shape [-1, -1] has more than one -1; expected at most one');
  });
  it('reshape with NaN or non-integer sizes', () => {
    expect(() => x.reshape([NaN, 6])).toThrow('reshape: shape [NaN, 6] has entry NaN; expected non-negative integers or -1');
    expect(() => x.reshape([1.5, 4])).toThrow('reshape: shape [1.5, 4] has entry 1.5; expected non-negative integers or -1');
    expect(() => x.reshape([-2, -3])).toThrow('reshape: shape [-2, -3] has entry -2; expected non-negative integers or -1');
  });
  it('permute', () => {
    expect(() => x.permute([0])).toThrow('permute: dims [0] has 1 entries; expected 2 (the tensor\'s rank)');
    expect(() => x.permute([0, 0])).toThrow('permute: dims [0, 0] repeats dim 0; expected a permutation of 0..1');
    expect(() => x.permute([0, 2])).toThrow('permute: dim 2 is out of range for a tensor of rank 2; expected an integer in [-2, 1]');
  });
  it('transpose, squeeze, unsqueeze, flatten dims out of range', () => {
    expect(() => x.transpose(0, 2)).toThrow('transpose: dim 2 is out of range for a tensor of rank 2; expected an integer in [-2, 1]');
    expect(() => x.squeeze(2)).toThrow('squeeze: dim 2 is out of range for a tensor of rank 2; expected an integer in [-2, 1]');
    expect(() => x.unsqueeze(3)).toThrow('unsqueeze: dim 3 is out of range for a tensor of rank 2; expected an integer in [-3, 2]');
    expect(() => x.unsqueeze(-4)).toThrow('unsqueeze: dim -4 is out of range for a tensor of rank 2; expected an integer in [-3, 2]');
    expect(() => x.flatten(0, 5)).toThrow('flatten: end 5 is out of range for a tensor of rank 2; expected an integer in [-2, 1]');
    expect(() => x.flatten(1, 0)).toThrow('flatten: start 1 comes after end 0; expected start <= end');
  });
  it('expand', () => {
    expect(() => x.expand([2, 4])).toThrow('expand: cannot expand shape [2, 3] to [2, 4] (dim 1: 3 vs 4); expected size 1 where sizes differ');
    expect(() => x.expand([3])).toThrow('expand: target shape [3] has fewer dims than the tensor\'s [2, 3]; expected at least 2 dims');
    expect(() => x.expand([2, NaN])).toThrow('expand: target shape [2, NaN] has entry NaN; expected non-negative sizes or -1');
  });
  it('narrow and slice', () => {
    expect(() => x.narrow(2, 0, 1)).toThrow('narrow: dim 2 is out of range for a tensor of rank 2; expected an integer in [-2, 1]');
    expect(() => x.narrow(1, 4, 1)).toThrow('narrow: start 4 is out of range for dim 1 of size 3; expected an integer in [-3, 3]');
    expect(() => x.narrow(1, 1, 3)).toThrow('narrow: length 3 from start 1 runs past dim 1 of size 3; expected at most 2');
    expect(() => x.narrow(1, 1, NaN)).toThrow('narrow: length NaN is not a non-negative integer; expected an integer in [0, 2]');
    expect(() => x.narrow(1, 0.5, 1)).toThrow('narrow: start 0.5 is out of range for dim 1 of size 3; expected an integer in [-3, 3]');
    expect(() => slice(x, 3, 0, 1)).toThrow('slice: dim 3 is out of range for a tensor of rank 2; expected an integer in [-2, 1]');
    expect(() => slice(x, 1, 0.5)).toThrow('slice: start 0.5 is not an integer; expected an integer index');
    expect(() => slice(x, 1, 0, NaN)).toThrow('slice: end NaN is not an integer; expected an integer index');
  });
});

describe('reductions: dims out of range, repeated or not integers', () => {
  const cases: [string, () => unknown, string][] = [
    ['sum', () => x.sum(2), 'sum: dim 2 is out of range for a tensor of rank 2; expected an integer in [-2, 1]'],
    ['sum negative', () => x.sum(-3), 'sum: dim -3 is out of range for a tensor of rank 2; expected an integer in [-2, 1]'],
    ['sum NaN', () => x.sum(NaN), 'sum: dim NaN is out of range for a tensor of rank 2; expected an integer in [-2, 1]'],
    ['sum 1.5', () => x.sum(1.5), 'sum: dim 1.5 is out of range for a tensor of rank 2; expected an integer in [-2, 1]'],
    ['sum repeated', () => sum(x, [0, -2]), 'sum: dims [0, -2] name dim 0 twice; expected distinct dims'],
    ['mean', () => x.mean(5), 'mean: dim 5 is out of range for a tensor of rank 2; expected an integer in [-2, 1]'],
    ['amax', () => x.amax(2), 'amax: dim 2 is out of range for a tensor of rank 2; expected an integer in [-2, 1]'],
    ['amin', () => x.amin([0, 3]), 'amin: dim 3 is out of range for a tensor of rank 2; expected an integer in [-2, 1]'],
    ['max', () => x.max(2), 'max: dim 2 is out of range for a tensor of rank 2; expected an integer in [-2, 1]'],
    ['argmax', () => x.argmax(3), 'argmax: dim 3 is out of range for a tensor of rank 2; expected an integer in [-2, 1]'],
    ['norm', () => x.norm(2, 4), 'norm: dim 4 is out of range for a tensor of rank 2; expected an integer in [-2, 1]'],
    ['softmax', () => x.softmax(2), 'softmax: dim 2 is out of range for a tensor of rank 2; expected an integer in [-2, 1]'],
    ['logSoftmax', () => x.logSoftmax(-3), 'logSoftmax: dim -3 is out of range for a tensor of rank 2; expected an integer in [-2, 1]'],
  ];
  for (const [name, f, msg] of cases) it(name, () => expect(f).toThrow(msg));

  it('max over an empty dim', () => {
    expect(() => new Variable(zeros([2, 0])).amax(1)).toThrow('amax: cannot reduce dim 1 of size 0 in shape [2, 0]; expected a non-empty dim');
    expect(() => new Variable(zeros([0, 2])).max(0)).toThrow('max: cannot reduce dim 0 of size 0 in shape [0, 2]; expected a non-empty dim');
  });

  it('norm with a NaN p', () => {
    expect(() => x.norm(NaN)).toThrow('norm: p NaN is not a number; expected a number (2, 1, Infinity, ...)');
  });
});

describe('cat, stack, pad, clamp', () => {
  it('cat', () => {
    expect(() => cat([])).toThrow('cat: tensors is empty; expected at least one tensor');
    expect(() => cat([x, zeros([2, 2])], 0)).toThrow('cat: tensor 1 has shape [2, 2], which does not match [2, 3] outside dim 0; expected equal sizes except along dim 0');
    expect(() => cat([x, zeros([2])], 0)).toThrow('cat: tensor 1 has shape [2], which does not match [2, 3] outside dim 0; expected equal sizes except along dim 0');
    expect(() => cat([x, x], 2)).toThrow('cat: dim 2 is out of range for a tensor of rank 2; expected an integer in [-2, 1]');
    expect(() => cat([tensor(1), tensor(2)])).toThrow('cat: tensor 0 is 0-d (shape []); expected tensors with at least 1 dim (use stack for 0-d tensors)');
  });
  it('stack', () => {
    expect(() => stack([])).toThrow('stack: tensors is empty; expected at least one tensor');
    expect(() => stack([x, zeros([3, 2])])).toThrow('stack: tensor 1 has shape [3, 2], unlike tensor 0\'s [2, 3]; expected equal shapes');
    expect(() => stack([x, x], 3)).toThrow('stack: dim 3 is out of range for tensors of rank 2; expected an integer in [-3, 2]');
    expect(() => stack([x, x], 0.5)).toThrow('stack: dim 0.5 is out of range for tensors of rank 2; expected an integer in [-3, 2]');
  });
  it('pad', () => {
    expect(() => pad(x, [1])).toThrow('pad: pad [1] has 1 entries; expected an even count of at most 4 (two per padded dim)');
    expect(() => pad(x, [1, 1, 1, 1, 1, 1])).toThrow('pad: pad [1, 1, 1, 1, 1, 1] has 6 entries; expected an even count of at most 4 (two per padded dim)');
    expect(() => pad(x, [1.5, 1])).toThrow('pad: pad [1.5, 1] has a non-integer entry; expected integers');
    expect(() => pad(x, [NaN, 0])).toThrow('pad: pad [NaN, 0] has a non-integer entry; expected integers');
    expect(() => pad(x, [-2, -2])).toThrow('pad: pad [-2, -2] crops dim 1 of size 3 below 0; expected at most 3 elements cropped');
    expect(() => pad(x, [-5, 4])).toThrow('pad: pad [-5, 4] crops 5 elements from dim 1 of size 3; expected at most 3 elements cropped');
  });
  it('clamp', () => {
    expect(() => clamp(x)).toThrow('clamp: min and max are both missing; expected at least one bound');
    expect(() => clamp(x, NaN)).toThrow('clamp: bounds [NaN, Infinity] contain NaN; expected numbers');
  });
});

describe('Variable and Tensor', () => {
  it('Variable takes a Tensor', () => {
    expect(() => new Variable([1, 2] as unknown as Tensor)).toThrow('Variable: data 1,2 is not a Tensor; expected a Tensor (use tensor(values, shape))');
  });
  it('a Variable passed where a Tensor belongs is named by its shape, on one line', () => {
    expect(() => new Variable(x as unknown as Tensor)).toThrow('Variable: data Variable of shape [2, 3] is not a Tensor; expected a Tensor (use tensor(values, shape))');
  });
  it('item of a multi-element Variable', () => {
    expect(() => x.item()).toThrow('item: tensor of shape [2, 3] has 6 elements; expected exactly 1');
  });
});
