import { contiguousStrides, numel, shapesEqual } from './shape.js';
import { fail, formatShape, normalizeDim, isInt } from './validate.js';
import { getBackend } from './backend/registry.js';
import { compare, type TensorOperand } from './methods/compare.js';
import { sum, mean, argExtreme, type ReduceDims } from './methods/reduce.js';
import { select, index, type Indices } from './methods/indexing.js';
import { formatTensor } from './format/formatTensor.js';
import { hostArray, hostArrayAsync, liveArray } from './backend/residency.js';

/**
 * An n-d float32 array: a storage buffer, a shape, strides and an offset. Views (reshape of
 * contiguous data, permute, transpose, expand, narrow, squeeze, unsqueeze) share the buffer.
 * Tensors are values: no method writes into an existing tensor's storage.
 */
export class Tensor {
  /**
   * The elements' array where it lies: with a resident backend (WebGPU) its host copy may be stale.
   * Kernels take it; anything reading or writing values on the host uses `data`.
   */
  readonly storage: Float32Array;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly size: number;

  constructor(data: Float32Array, shape: readonly number[], strides?: readonly number[], offset = 0) {
    this.storage = data;
    this.shape = Object.freeze(shape.slice());
    this.strides = Object.freeze(strides ? strides.slice() : contiguousStrides(shape));
    this.offset = offset;
    this.size = numel(shape);
  }

  /** The elements' array, current on the host (brought back first when a resident backend holds its values). */
  get data(): Float32Array {
    return hostArray(this.storage);
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** True when the elements lie row-major, back to back, starting at `offset`. */
  isContiguous(): boolean {
    let s = 1;
    for (let d = this.shape.length - 1; d >= 0; d--) {
      const n = this.shape[d]!;
      if (n !== 1 && this.strides[d] !== s) return false;
      s *= n;
    }
    return true;
  }

  /** This tensor if contiguous, else a contiguous copy. */
  contiguous(): Tensor {
    if (this.isContiguous()) return this;
    // unfilled: the copy writes every element; the operands where they lie (a resident backend's memory)
    const out = getBackend().empty(this.size);
    getBackend().copy(this.shape, { data: liveArray(this.storage), strides: this.strides, offset: this.offset },
      { data: out, strides: contiguousStrides(this.shape), offset: 0 });
    return new Tensor(out, this.shape);
  }

  /** The contiguous elements as a subarray when possible (no copy), else a fresh copy. Read-only by convention. */
  values(): Float32Array {
    const c = this.contiguous();
    return c.data.subarray(c.offset, c.offset + c.size);
  }

  /**
   * The contiguous elements as a subarray of `storage` (no copy to the host): what kernels take.
   * Throws if a resident backend released them.
   */
  contiguousStorage(): Float32Array {
    const c = this.contiguous();
    return liveArray(c.storage).subarray(c.offset, c.offset + c.size);
  }

  /** Row-major elements, always a fresh copy. */
  toArray(): Float32Array {
    return this.values().slice();
  }

  /**
   * `toArray()` without blocking this thread: where a resident backend (WebGPU) holds the values,
   * they travel back while other work runs. The same values as `toArray()`.
   */
  async toArrayAsync(): Promise<Float32Array> {
    const c = this.contiguous();
    await hostArrayAsync(c.storage);
    return c.toArray();
  }

  /** `item()` without blocking this thread (see `toArrayAsync`). */
  async itemAsync(): Promise<number> {
    if (this.size !== 1) fail('itemAsync', `tensor of shape ${formatShape(this.shape)} has ${this.size} elements; expected exactly 1`);
    await hostArrayAsync(this.storage);
    return this.item();
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) fail('item', `tensor of shape ${formatShape(this.shape)} has ${this.size} elements; expected exactly 1`);
    return this.data[this.offset]!;
  }

  /** Same elements, new shape (one entry may be -1). A view when contiguous or when the shape stays, else a copy. */
  reshape(shape: readonly number[]): Tensor {
    const resolved = resolveReshape('reshape', this.shape, shape);
    if (resolved.length === this.ndim && resolved.every((n, i) => n === this.shape[i])) return this;
    const src = this.contiguous();
    return new Tensor(src.storage, resolved, undefined, src.offset);
  }

  /** Reorders dims: `permute([0, 2, 3, 1])` of (N, C, H, W) gives (N, H, W, C). A view. */
  permute(dims: readonly number[]): Tensor {
    const r = this.ndim;
    if (dims.length !== r) fail('permute', `dims [${dims.join(', ')}] has ${dims.length} entries; expected ${r} (the tensor's rank)`);
    const seen = new Set<number>();
    const nd = dims.map((d) => {
      const v = normalizeDim('permute', d, r);
      if (seen.has(v)) fail('permute', `dims [${dims.join(', ')}] repeats dim ${v}; expected a permutation of 0..${r - 1}`);
      seen.add(v);
      return v;
    });
    return new Tensor(this.storage, nd.map((d) => this.shape[d]!), nd.map((d) => this.strides[d]!), this.offset);
  }

  /** Swaps two dims. A view. */
  transpose(a: number, b: number): Tensor {
    const r = this.ndim;
    const da = normalizeDim('transpose', a, r), db = normalizeDim('transpose', b, r);
    const perm = Array.from({ length: r }, (_, i) => i);
    perm[da] = db;
    perm[db] = da;
    return r === 0 ? this : this.permute(perm);
  }

  /** Broadcasts size-1 dims (and new leading dims) to `shape`, with stride 0. A view. */
  expand(shape: readonly number[]): Tensor {
    const r = shape.length;
    if (r < this.ndim) fail('expand', `target shape ${formatShape(shape)} has fewer dims than the tensor's ${formatShape(this.shape)}; expected at least ${this.ndim} dims`);
    const strides = new Array<number>(r);
    const out = new Array<number>(r);
    for (let i = 0; i < r; i++) {
      const j = i - (r - this.ndim);
      const want = shape[i]!;
      const have = j >= 0 ? this.shape[j]! : 1;
      if (j < 0 && want === -1) fail('expand', `target shape ${formatShape(shape)} has -1 at new leading dim ${i}; expected an explicit size there`);
      const target = want === -1 ? have : want;
      if (!isInt(target) || target < 0) fail('expand', `target shape ${formatShape(shape)} has entry ${want}; expected non-negative sizes or -1`);
      if (have === target) strides[i] = j >= 0 ? this.strides[j]! : 0;
      else if (have === 1) strides[i] = 0;
      else fail('expand', `cannot expand shape ${formatShape(this.shape)} to ${formatShape(shape)} (dim ${i}: ${have} vs ${target}); expected size 1 where sizes differ`);
      out[i] = target;
    }
    return new Tensor(this.storage, out, strides, this.offset);
  }

  /** Elements `start .. start+length-1` along `dim` (a negative `start` counts from the end, as PyTorch). A view. */
  narrow(dim: number, start: number, length: number): Tensor {
    const d = normalizeDim('narrow', dim, this.ndim);
    const n = this.shape[d]!;
    if (!isInt(start) || start < -n || start > n) fail('narrow', `start ${start} is out of range for dim ${d} of size ${n}; expected an integer in [${-n}, ${n}]`);
    if (start < 0) start += n;
    if (!isInt(length) || length < 0) fail('narrow', `length ${length} is not a non-negative integer; expected an integer in [0, ${n - start}]`);
    if (start + length > n) fail('narrow', `length ${length} from start ${start} runs past dim ${d} of size ${n}; expected at most ${n - start}`);
    const shape = this.shape.slice();
    shape[d] = length;
    return new Tensor(this.storage, shape, this.strides, this.offset + start * this.strides[d]!);
  }

  /** Removes size-1 dims (all, or only `dim`). A view. */
  squeeze(dim?: number): Tensor {
    if (dim === undefined) {
      const keep = this.shape.map((_, i) => i).filter((i) => this.shape[i] !== 1);
      return new Tensor(this.storage, keep.map((i) => this.shape[i]!), keep.map((i) => this.strides[i]!), this.offset);
    }
    const d = normalizeDim('squeeze', dim, this.ndim);
    if (this.ndim === 0 || this.shape[d] !== 1) return this;
    const shape = this.shape.slice(), strides = this.strides.slice();
    shape.splice(d, 1);
    strides.splice(d, 1);
    return new Tensor(this.storage, shape, strides, this.offset);
  }

  /** Inserts a size-1 dim at `dim` (in [-rank-1, rank]). A view. */
  unsqueeze(dim: number): Tensor {
    const r = this.ndim;
    if (!isInt(dim) || dim < -r - 1 || dim > r) fail('unsqueeze', `dim ${dim} is out of range for a tensor of rank ${r}; expected an integer in [${-r - 1}, ${r}]`);
    const d = dim < 0 ? dim + r + 1 : dim;
    const shape = this.shape.slice(), strides = this.strides.slice();
    shape.splice(d, 0, 1);
    strides.splice(d, 0, d < this.ndim ? this.strides[d]! * this.shape[d]! : 1);
    return new Tensor(this.storage, shape, strides, this.offset);
  }

  /** Flattens dims start..end into one. */
  flatten(start = 0, end = -1): Tensor {
    if (this.ndim === 0) return this.reshape([1]);
    const s = normalizeDim('flatten', start, this.ndim, 'start');
    const e = normalizeDim('flatten', end, this.ndim, 'end');
    if (s > e) fail('flatten', `start ${start} comes after end ${end}; expected start <= end`);
    const shape = [...this.shape.slice(0, s), this.shape.slice(s, e + 1).reduce((p, v) => p * v, 1), ...this.shape.slice(e + 1)];
    return this.reshape(shape);
  }

  /** `x[i]` along `dim`: (*a, n, *b) -> (*a, *b), `index` in [-n, n). A view. */
  select(dim: number, index: number): Tensor { return select(this, dim, index); }

  /** `x[idx]` along `dim`: (*a, n, *b), indices (*i) -> (*a, *i, *b); integer indices in [-n, n), repeats allowed. A copy. */
  index(dim: number, indices: Indices): Tensor { return index(this, dim, indices); }

  // Comparisons, broadcasting as PyTorch: 1 where the relation holds, else 0. No gradient.
  /** `this == other` as 0/1. */
  eq(other: TensorOperand): Tensor { return compare('eq', this, other); }
  /** `this != other` as 0/1. */
  ne(other: TensorOperand): Tensor { return compare('ne', this, other); }
  /** `this < other` as 0/1. */
  lt(other: TensorOperand): Tensor { return compare('lt', this, other); }
  /** `this <= other` as 0/1. */
  le(other: TensorOperand): Tensor { return compare('le', this, other); }
  /** `this > other` as 0/1. */
  gt(other: TensorOperand): Tensor { return compare('gt', this, other); }
  /** `this >= other` as 0/1. */
  ge(other: TensorOperand): Tensor { return compare('ge', this, other); }

  // Reductions without gradient (a Variable's own sum/mean record one).
  /** (*) -> reduced: the sum over `dims` (all by default, or for `[]`). */
  sum(dims?: ReduceDims, keepDim = false): Tensor { return sum(this, dims, keepDim); }
  /** (*) -> reduced: the mean over `dims` (all by default, or for `[]`); NaN over an empty dim. */
  mean(dims?: ReduceDims, keepDim = false): Tensor { return mean(this, dims, keepDim); }
  /** (*) -> indices (float32 integers) of the maximum along `dim`, or over the flattened tensor. First on ties; NaN wins. */
  argmax(dim?: number, keepDim = false): Tensor { return argExtreme('max', this, dim, keepDim); }
  /** (*) -> indices of the minimum along `dim`, or over the flattened tensor. */
  argmin(dim?: number, keepDim = false): Tensor { return argExtreme('min', this, dim, keepDim); }
  /** This tensor: tensors are always float32, and PyTorch's `.float()` returns a float32 tensor itself. */
  float(): Tensor { return this; }

  /** The values as PyTorch prints them, then the shape: `tensor([[1., 2.], [3., 4.]], shape [2, 2])`. */
  toString(): string { return formatTensor(this); }
}

/** Resolves a -1 entry and checks the element count. */
export function resolveReshape(fn: string, from: readonly number[], to: readonly number[]): number[] {
  const n = numel(from);
  let infer = -1, known = 1;
  for (let i = 0; i < to.length; i++) {
    const d = to[i]!;
    if (d === -1) {
      if (infer >= 0) fail(fn, `shape ${formatShape(to)} has more than one -1; expected at most one`);
      infer = i;
    } else if (!isInt(d) || d < 0) {
      fail(fn, `shape ${formatShape(to)} has entry ${d}; expected non-negative integers or -1`);
    } else known *= d;
  }
  const out = to.slice();
  if (infer >= 0) {
    if (known === 0 || n % known !== 0) fail(fn, `cannot reshape ${formatShape(from)} (${n} elements) to ${formatShape(to)}; expected a shape with ${n} elements`);
    out[infer] = n / known;
  } else if (known !== n) {
    fail(fn, `cannot reshape ${formatShape(from)} (${n} elements) to ${formatShape(to)} (${known} elements); expected ${n} elements`);
  }
  if (shapesEqual(out, from)) return from.slice();
  return out;
}
