// tensor(), zeros/ones/full/arange/rand/randn, and their argument errors.
import { describe, it, expect } from 'vitest';
import { Tensor, tensor, zeros, ones, full, scalar, arange, rand, randn, Generator } from '../src/index.js';

const arr = (t: Tensor): number[] => Array.from(t.toArray());

describe('tensor()', () => {
  it('from nested arrays infers the shape', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(arr(t)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tensor([[[1], [2]], [[3], [4]]]).shape).toEqual([2, 2, 1]);
  });

  it('from nested arrays with an explicit shape reshapes', () => {
    expect(tensor([[1, 2], [3, 4]], [4]).shape).toEqual([4]);
  });

  it('from a typed array with a shape, copying the values', () => {
    const src = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const t = tensor(src, [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    src[0] = 99;
    expect(arr(t)[0]).toBe(1);
    expect(t.data).not.toBe(src);
  });

  it('from other array-likes (Float64Array, Int32Array, plain list) defaults to 1-D', () => {
    expect(arr(tensor(Float64Array.of(0.5, 1.5)))).toEqual([0.5, 1.5]);
    expect(tensor(Int32Array.of(1, 2, 3)).shape).toEqual([3]);
    expect(tensor([1, 2, 3, 4], [2, 2]).shape).toEqual([2, 2]);
  });

  it('rounds to float32', () => {
    expect(tensor([0.1]).item()).toBe(Math.fround(0.1));
  });

  it('from a number is 0-d', () => {
    const t = tensor(2.5);
    expect(t.shape).toEqual([]);
    expect(t.item()).toBe(2.5);
    expect(scalar(-1).shape).toEqual([]);
    expect(tensor(7, [1, 1]).shape).toEqual([1, 1]);
  });

  it('empty inputs', () => {
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(tensor(new Float32Array(0), [0, 3]).shape).toEqual([0, 3]);
  });

  it('keeps NaN and infinities', () => {
    const v = tensor([NaN, Infinity, -Infinity]).toArray();
    expect(Number.isNaN(v[0])).toBe(true);
    expect(v[1]).toBe(Infinity);
    expect(v[2]).toBe(-Infinity);
  });

  it('refuses ragged nested arrays', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow('tensor: values are ragged at depth 1: found length 1; expected length 2');
    expect(() => tensor([[1, 2], 3] as unknown as number[][])).toThrow('tensor: values are ragged at depth 1: found a number; expected length 2');
    expect(() => tensor([[[1], [2]], [[3], 4]] as unknown as number[][][])).toThrow('tensor: values are ragged at depth 2: found a number; expected length 1');
  });

  it('refuses a value count that does not fill the shape', () => {
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow('tensor: 3 values do not fill shape [2, 2] (4 elements); expected 4 values');
  });

  it('refuses non-numbers in a flat list', () => {
    expect(() => tensor([1, 'x'] as unknown as number[])).toThrow('tensor: value x at index 1 is not a number');
  });

  it('refuses bad shapes', () => {
    expect(() => tensor([1, 2], [2.5])).toThrow('tensor: shape [2.5] has entry 2.5; expected non-negative integers');
    expect(() => tensor([1, 2], [-2])).toThrow('tensor: shape [-2] has entry -2; expected non-negative integers');
  });
});

describe('zeros, ones, full', () => {
  it('fill values', () => {
    expect(arr(zeros([2, 2]))).toEqual([0, 0, 0, 0]);
    expect(arr(ones([3]))).toEqual([1, 1, 1]);
    expect(arr(full([2], -3.5))).toEqual([-3.5, -3.5]);
    expect(zeros([]).shape).toEqual([]);
    expect(zeros([]).item()).toBe(0);
    expect(zeros([2, 0]).size).toBe(0);
  });

  it('each call allocates fresh storage', () => {
    expect(zeros([2]).data).not.toBe(zeros([2]).data);
  });

  it('refuses NaN, negative and non-integer sizes', () => {
    expect(() => zeros([2, NaN])).toThrow('zeros: shape [2, NaN] has entry NaN; expected non-negative integers');
    expect(() => ones([-1])).toThrow('ones: shape [-1] has entry -1; expected non-negative integers');
    expect(() => full([1.5], 0)).toThrow('full: shape [1.5] has entry 1.5; expected non-negative integers');
    expect(() => zeros(3 as unknown as number[])).toThrow('zeros: shape 3 is not a shape; expected an array of non-negative integers');
  });
});

describe('arange', () => {
  it('as torch.arange', () => {
    expect(arr(arange(4))).toEqual([0, 1, 2, 3]);
    expect(arr(arange(2, 5))).toEqual([2, 3, 4]);
    expect(arr(arange(5, 0, -2))).toEqual([5, 3, 1]);
    expect(arange(0, 1, 0.1).shape).toEqual([10]); // torch.arange(0, 1, 0.1) has 10 elements
    expect(arange(0, 1, 0.3).toArray()[3]).toBeCloseTo(0.9, 6);
    expect(arange(3, 3).shape).toEqual([0]);
  });

  it('refuses a zero or non-finite step, non-finite bounds and a step pointing away from end', () => {
    expect(() => arange(0, 5, 0)).toThrow('arange: step 0 must be a non-zero finite number');
    expect(() => arange(0, 5, NaN)).toThrow('arange: step NaN must be a non-zero finite number');
    expect(() => arange(NaN)).toThrow('arange: end NaN is not a finite number; expected a finite number');
    expect(() => arange(0, Infinity)).toThrow('arange: end Infinity is not a finite number; expected a finite number');
    expect(() => arange(-Infinity, 2)).toThrow('arange: start -Infinity is not a finite number; expected a finite number');
    expect(() => arange(5, 0)).toThrow('arange: step 1 points away from end 0 (start 5); expected a step with the sign of end - start');
  });
});

describe('rand and randn', () => {
  it('rand stays in [low, high) and is reproducible with a generator', () => {
    const a = rand([1000], { generator: new Generator(1), low: -2, high: 3 }).toArray();
    const b = rand([1000], { generator: new Generator(1), low: -2, high: 3 }).toArray();
    expect(a).toEqual(b);
    let lo = Infinity, hi = -Infinity;
    for (const v of a) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    expect(lo).toBeGreaterThanOrEqual(-2);
    expect(hi).toBeLessThan(3);
    expect(lo).toBeLessThan(-1.9);
    expect(hi).toBeGreaterThan(2.9);
  });

  it('randn takes mean and std', () => {
    const v = randn([20000], { generator: new Generator(2), mean: 3, std: 0.5 }).toArray();
    let s = 0, s2 = 0;
    for (const x of v) { s += x; s2 += x * x; }
    const m = s / v.length, variance = s2 / v.length - m * m;
    expect(Math.abs(m - 3)).toBeLessThan(0.02); // 4 standard errors (0.5 / sqrt(20000) = 0.0035)
    expect(Math.abs(variance - 0.25)).toBeLessThan(0.01);
  });

  it('refuse bad shapes', () => {
    expect(() => rand([2, -1])).toThrow('rand: shape [2, -1] has entry -1; expected non-negative integers');
    expect(() => randn([NaN])).toThrow('randn: shape [NaN] has entry NaN; expected non-negative integers');
  });
});

describe('random argument errors', () => {
  it('rand refuses non-finite or inverted bounds', () => {
    expect(() => rand([2], { low: NaN })).toThrow('rand: low NaN must be a finite number; expected a finite number');
    expect(() => rand([2], { high: Infinity })).toThrow('rand: high Infinity must be a finite number');
    expect(() => rand([2], { low: 1, high: 0 })).toThrow('rand: high 0 is below low 1; expected low <= high');
  });
  it('randn refuses a non-finite mean and a negative or NaN std', () => {
    expect(() => randn([2], { mean: NaN })).toThrow('randn: mean NaN must be a finite number; expected a finite number');
    expect(() => randn([2], { std: -1 })).toThrow('randn: std -1 is negative; expected std >= 0');
    expect(() => randn([2], { std: NaN })).toThrow('randn: std NaN must be a finite number');
  });
});
