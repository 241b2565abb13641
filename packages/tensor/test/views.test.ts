// Tensor views share storage and index correctly; contiguous() copies only when needed; toArray is a copy.
import { describe, it, expect } from 'vitest';
import { Tensor, tensor, arange } from '../src/index.js';

const arr = (t: Tensor): number[] => Array.from(t.toArray());
/** 0..n-1 laid out as `shape` */
const iota = (...shape: number[]): Tensor => arange(shape.reduce((p, s) => p * s, 1)).reshape(shape);

describe('views', () => {
  it('reshape of contiguous data is a view', () => {
    const x = iota(2, 3);
    const y = x.reshape([3, 2]);
    expect(y.data).toBe(x.data);
    expect(y.shape).toEqual([3, 2]);
    expect(y.strides).toEqual([2, 1]);
    expect(arr(y)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(x.reshape([-1]).shape).toEqual([6]);
    expect(x.reshape([2, -1, 1]).shape).toEqual([2, 3, 1]);
  });

  it('reshape of a non-contiguous view copies, in row-major order of the view', () => {
    const t = iota(2, 3).transpose(0, 1); // [[0, 3], [1, 4], [2, 5]]
    const r = t.reshape([6]);
    expect(r.data).not.toBe(t.data);
    expect(arr(r)).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('reshape to the shape a view already has is that view, whatever its strides (as PyTorch)', () => {
    const t = iota(2, 3).transpose(0, 1);
    const r = t.reshape([3, 2]);
    expect(r.data).toBe(t.data);
    expect(r.strides).toEqual([1, 3]);
    expect(arr(r)).toEqual([0, 3, 1, 4, 2, 5]);
    expect(t.reshape([-1, 2]).strides).toEqual([1, 3]);
  });

  it('permute swaps shape and strides and shares storage', () => {
    const x = iota(2, 3, 4);
    const p = x.permute([2, 0, 1]);
    expect(p.data).toBe(x.data);
    expect(p.shape).toEqual([4, 2, 3]);
    expect(p.strides).toEqual([1, 12, 4]);
    expect(p.isContiguous()).toBe(false);
    // p[k][i][j] = x[i][j][k] = 12 i + 4 j + k
    const v = p.toArray();
    for (let k = 0; k < 4; k++) for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) {
      expect(v[k * 6 + i * 3 + j]).toBe(12 * i + 4 * j + k);
    }
    expect(arr(x.permute([-1, 0, 1]))).toEqual(Array.from(v));
  });

  it('transpose of a matrix', () => {
    const t = iota(2, 3).transpose(0, 1);
    expect(t.shape).toEqual([3, 2]);
    expect(arr(t)).toEqual([0, 3, 1, 4, 2, 5]);
    expect(arr(iota(2, 3).transpose(-1, -2))).toEqual([0, 3, 1, 4, 2, 5]);
    expect(iota(2, 3).transpose(1, 1).shape).toEqual([2, 3]);
  });

  it('expand broadcasts with stride 0 and shares storage', () => {
    const x = tensor([1, 2, 3], [3, 1]);
    const e = x.expand([2, 3, 4]);
    expect(e.data).toBe(x.data);
    expect(e.shape).toEqual([2, 3, 4]);
    expect(e.strides).toEqual([0, 1, 0]);
    expect(arr(e)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    expect(tensor([5, 6], [1, 2]).expand([3, -1]).shape).toEqual([3, 2]);
    expect(() => tensor([5, 6]).expand([-1, 2])).toThrow('expand: target shape [-1, 2] has -1 at new leading dim 0; expected an explicit size there');
  });

  it('narrow offsets into the same storage', () => {
    const x = iota(3, 4);
    const n = x.narrow(1, 1, 2);
    expect(n.data).toBe(x.data);
    expect(n.offset).toBe(1);
    expect(n.shape).toEqual([3, 2]);
    expect(arr(n)).toEqual([1, 2, 5, 6, 9, 10]);
    const rows = x.narrow(0, 1, 2);
    expect(rows.offset).toBe(4);
    expect(rows.isContiguous()).toBe(true);
    expect(arr(rows)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(arr(x.narrow(-1, -2, 2))).toEqual([2, 3, 6, 7, 10, 11]);
    expect(x.narrow(0, 3, 0).shape).toEqual([0, 4]);
  });

  it('a narrow of a narrow of a transpose indexes correctly', () => {
    const x = iota(4, 5).transpose(0, 1).narrow(0, 1, 3).narrow(1, 2, 2); // x[1..3][2..3] of the (5, 4) transpose
    // transpose[i][j] = 5 j + i
    expect(arr(x)).toEqual([11, 16, 12, 17, 13, 18]);
  });

  it('squeeze and unsqueeze share storage', () => {
    const x = iota(2, 1, 3, 1);
    const s = x.squeeze();
    expect(s.data).toBe(x.data);
    expect(s.shape).toEqual([2, 3]);
    expect(x.squeeze(1).shape).toEqual([2, 3, 1]);
    expect(x.squeeze(-1).shape).toEqual([2, 1, 3]);
    expect(x.squeeze(0).shape).toEqual([2, 1, 3, 1]); // size 2: no-op
    const base = iota(2, 3);
    const u = base.unsqueeze(1);
    expect(u.data).toBe(base.data);
    expect(u.shape).toEqual([2, 1, 3]);
    expect(iota(2, 3).unsqueeze(-1).shape).toEqual([2, 3, 1]);
    expect(iota(2, 3).unsqueeze(2).shape).toEqual([2, 3, 1]);
    expect(arr(iota(2, 3).transpose(0, 1).unsqueeze(1))).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('unsqueeze of a view keeps sharing storage', () => {
    const x = iota(2, 3);
    const u = x.transpose(0, 1).unsqueeze(0);
    expect(u.data).toBe(x.data);
    expect(u.shape).toEqual([1, 3, 2]);
  });

  it('flatten', () => {
    const x = iota(2, 3, 4);
    expect(x.flatten().shape).toEqual([24]);
    expect(x.flatten(1).shape).toEqual([2, 12]);
    expect(x.flatten(0, 1).shape).toEqual([6, 4]);
    expect(tensor(5).flatten().shape).toEqual([1]);
  });

  it('contiguous returns the tensor itself when already contiguous, else a packed copy', () => {
    const x = iota(2, 3);
    expect(x.contiguous()).toBe(x);
    const row = x.narrow(0, 1, 1);
    expect(row.contiguous()).toBe(row);
    const t = x.transpose(0, 1);
    const c = t.contiguous();
    expect(c).not.toBe(t);
    expect(c.data).not.toBe(x.data);
    expect(c.isContiguous()).toBe(true);
    expect(c.strides).toEqual([2, 1]);
    expect(c.offset).toBe(0);
    expect(arr(c)).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('a size-1 dim with any stride still counts as contiguous', () => {
    const x = iota(3, 4).narrow(0, 1, 1);
    expect(x.isContiguous()).toBe(true);
    expect(new Tensor(Float32Array.of(1, 2), [1, 2], [99, 1]).isContiguous()).toBe(true);
  });
});

describe('toArray and item', () => {
  it('toArray is a fresh copy: mutating it never changes the tensor', () => {
    const x = tensor([1, 2, 3]);
    const a = x.toArray();
    a[0] = 100;
    expect(arr(x)).toEqual([1, 2, 3]);
    expect(x.toArray()).not.toBe(x.toArray());
    expect(x.toArray().buffer).not.toBe(x.data.buffer);
  });

  it('toArray of a view is a fresh, packed copy', () => {
    const x = iota(3, 4);
    const n = x.narrow(0, 1, 1);
    const a = n.toArray();
    expect(a.length).toBe(4);
    a.fill(-1);
    expect(arr(x).slice(4, 8)).toEqual([4, 5, 6, 7]);
  });

  it('item reads a one-element tensor, including a view with an offset', () => {
    expect(tensor(3.5).item()).toBe(3.5);
    expect(iota(2, 3).narrow(1, 2, 1).narrow(0, 1, 1).item()).toBe(5);
    expect(() => tensor([1, 2]).item()).toThrow('item: tensor of shape [2] has 2 elements; expected exactly 1');
  });

  it('toString shows the values as PyTorch prints them, then the shape', () => {
    expect(tensor([1, 2]).toString()).toBe('tensor([1., 2.], shape [2])');
    expect(tensor([[0.5, -1.25]]).toString()).toBe('tensor([[ 0.5000, -1.2500]], shape [1, 2])');
    // a view prints its own elements
    expect(arange(6).reshape([2, 3]).transpose(0, 1).narrow(0, 1, 2).toString()).toBe('tensor([[1., 4.],\n        [2., 5.]], shape [2, 2])');
  });
});

describe('toArrayAsync / itemAsync', () => {
  it('give what toArray / item give (a view made contiguous first); itemAsync refuses more than one element', async () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]).transpose(0, 1);
    expect(Array.from(await t.toArrayAsync())).toEqual(Array.from(t.toArray()));
    expect(await tensor([[7]]).itemAsync()).toBe(7);
    await expect(t.itemAsync()).rejects.toThrow('itemAsync: tensor of shape [3, 2] has 6 elements; expected exactly 1');
  });
});
