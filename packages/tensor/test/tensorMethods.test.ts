// Tensor methods beyond the PyTorch fixtures: views and copies, strided inputs, the indexing
// kernels, Python's float formatting, and bad arguments.
import { describe, it, expect } from 'vitest';
import { Tensor, arange, kernels, tensor, zeros } from '../src/index.js';
import { pyExp, pyFixed } from '../src/format/pyFloat.js';

const arr = (t: Tensor): number[] => Array.from(t.toArray());

describe('select and index', () => {
  it('select is a view of the same storage; index is a copy', () => {
    const x = arange(6).reshape([2, 3]);
    expect(x.select(1, 2).data).toBe(x.data);
    expect(x.index(1, [2]).data).not.toBe(x.data);
  });
  it('index reads strided inputs (a transposed view) in their logical order', () => {
    const x = arange(6).reshape([2, 3]).transpose(0, 1); // [[0, 3], [1, 4], [2, 5]]
    expect(arr(x.index(0, [2, 0]))).toEqual([2, 5, 0, 3]);
    expect(arr(x.index(1, tensor([1, 1, 0])))).toEqual([3, 3, 0, 4, 4, 1, 5, 5, 2]);
    expect(arr(x.select(1, -1))).toEqual([3, 4, 5]);
  });
  it('indexAdd sums the slices of repeated indices; indexSelect gathers them', () => {
    const idx = Int32Array.from([2, 0, 2]);
    const g = tensor([[1, 2, 3], [10, 20, 30]]);
    expect(arr(kernels.indexAdd(g, 1, idx, [2, 4]))).toEqual([2, 0, 4, 0, 20, 0, 40, 0]);
    expect(arr(kernels.indexSelect(arange(8).reshape([2, 4]), 1, idx))).toEqual([2, 0, 2, 6, 4, 6]);
  });
  it('an empty index list gives an empty dim', () => {
    expect(arange(6).reshape([2, 3]).index(1, []).shape).toEqual([2, 0]);
  });
});

describe('reductions, argmax and float', () => {
  const x = tensor([[1, 5, 2], [7, 0, 7]]);
  it('sum, mean, argmax and argmin with dims and keepDim', () => {
    expect(x.sum().item()).toBe(22);
    expect(arr(x.sum(0))).toEqual([8, 5, 9]);
    expect(x.mean([0, 1], true).shape).toEqual([1, 1]);
    expect(arr(x.mean(-1))).toEqual([Math.fround(8 / 3), Math.fround(14 / 3)]);
    expect(arr(x.argmax(1))).toEqual([1, 0]);
    expect(x.argmax(1, true).shape).toEqual([2, 1]);
    expect(x.argmax().item()).toBe(3);
    expect(x.argmin(undefined, true).shape).toEqual([1, 1]);
    expect(arr(x.argmin(0))).toEqual([0, 1, 0]);
  });
  it('float returns the tensor itself (tensors are always float32)', () => {
    expect(x.float()).toBe(x);
  });
  it('bad dims are refused naming the method', () => {
    expect(() => x.sum(2)).toThrow('sum: dim 2 is out of range for a tensor of rank 2; expected an integer in [-2, 1]');
    expect(() => x.mean([0, 0])).toThrow('mean: dims [0, 0] name dim 0 twice; expected distinct dims');
    expect(() => x.argmax(-3)).toThrow('argmax: dim -3 is out of range for a tensor of rank 2; expected an integer in [-2, 1]');
    expect(() => zeros([0, 2]).argmin(0)).toThrow('argmin: cannot reduce dim 0 of size 0 in shape [0, 2]; expected a non-empty dim');
  });
});

describe("Python's float formatting (what torch's printing uses)", () => {
  it('rounds exact ties to even, as Python, not away from zero, as toFixed', () => {
    expect(pyFixed(0.03125, 4)).toBe('0.0312');
    expect(pyFixed(0.09375, 4)).toBe('0.0938');
    expect(pyFixed(-0.03125, 4)).toBe('-0.0312');
    expect(pyFixed(2.5, 0)).toBe('2');
    expect(pyFixed(3.5, 0)).toBe('4');
    expect(pyExp(1.03125, 4)).toBe('1.0312e+00');
  });
  it('keeps the sign of zero, carries into a new digit, writes two-digit exponents and nan/inf', () => {
    expect(pyFixed(-0, 4)).toBe('-0.0000');
    expect(pyFixed(-0.00001, 4)).toBe('-0.0000');
    expect(pyFixed(9.99996, 4)).toBe('10.0000');
    expect(pyExp(9.99996, 4)).toBe('1.0000e+01');
    expect(pyExp(1e-5, 4)).toBe('1.0000e-05');
    expect(pyExp(1.5e120, 2)).toBe('1.50e+120');
    expect(pyExp(0, 4)).toBe('0.0000e+00');
    expect([pyFixed(NaN, 4), pyFixed(Infinity, 4), pyExp(-Infinity, 4)]).toEqual(['nan', 'inf', '-inf']);
  });
});
