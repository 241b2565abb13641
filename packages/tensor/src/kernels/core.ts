import { Tensor } from '../Tensor.js';
import { broadcastShapes, contiguousStrides, numel, shapesEqual } from '../shape.js';
import { fail, formatShape, normalizeDim, normalizeDims } from '../validate.js';
import { getBackend } from '../backend/registry.js';
import { liveArray } from '../backend/residency.js';
import type { Generator } from '../random/Generator.js';
import type { BinaryOp, ReduceOp, UnaryOp, StridedArray } from '../backend/CoreKernels.js';

/** Strides of `t` broadcast to `shape` (0 on broadcast dims). */
export function broadcastStrides(t: Tensor, shape: readonly number[]): number[] {
  const r = shape.length, off = r - t.ndim;
  const out = new Array<number>(r).fill(0);
  for (let i = 0; i < t.ndim; i++) out[i + off] = t.shape[i] === 1 && shape[i + off] !== 1 ? 0 : t.strides[i]!;
  return out;
}

function view(t: Tensor, shape: readonly number[]): StridedArray {
  return { data: liveArray(t.storage), strides: broadcastStrides(t, shape), offset: t.offset };
}

/** (*) -> (*): elementwise op of one tensor; `a`, `b` are the op's scalar parameters. */
export function unary(op: UnaryOp, x: Tensor, a = 0, b = 0): Tensor {
  const be = getBackend();
  const src = x.contiguous();
  const out = be.empty(src.size);
  be.unary(op, liveArray(src.storage), src.offset, src.size, out, a, b);
  return new Tensor(out, x.shape);
}

/** (*), (*) -> (*): ReLU's backward from its output `out` and the upstream gradient `g` (same shape). */
export function reluBackward(out: Tensor, g: Tensor): Tensor {
  if (!shapesEqual(out.shape, g.shape)) fail('reluBackward', `gradient shape ${formatShape(g.shape)} differs from output shape ${formatShape(out.shape)}; expected the same shape`);
  const be = getBackend();
  const o = out.contiguous(), gc = g.contiguous();
  const gx = be.empty(o.size);
  be.reluBackward(liveArray(o.storage), o.offset, liveArray(gc.storage), gc.offset, o.size, gx);
  return new Tensor(gx, out.shape);
}

/** (*a), (*b) -> broadcast(*a, *b). */
export function binary(op: BinaryOp, a: Tensor, b: Tensor, fn: string = op): Tensor {
  const be = getBackend();
  const shape = shapesEqual(a.shape, b.shape) ? a.shape : broadcastShapes(fn, a.shape, b.shape);
  const out = be.empty(numel(shape));
  be.binary(op, shape, view(a, shape), view(b, shape), out);
  return new Tensor(out, shape);
}

/** where(cond, a, b), all broadcast together. */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  const be = getBackend();
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, a.shape), b.shape);
  const out = be.empty(numel(shape));
  be.where(shape, view(cond, shape), view(a, shape), view(b, shape), out);
  return new Tensor(out, shape);
}

/** Copies `src` (broadcast to the region's shape) into `region`, a view of a freshly allocated tensor. */
export function copyInto(region: Tensor, src: Tensor): void {
  getBackend().copy(region.shape, view(src, region.shape), { data: liveArray(region.storage), strides: region.strides, offset: region.offset });
}

/** Reduces over `dims` (all when undefined). */
export function reduce(op: ReduceOp, x: Tensor, dims?: number | readonly number[] | null, keepDim = false, fn: string = op): Tensor {
  const be = getBackend();
  const nd = normalizeDims(fn, dims, x.ndim);
  const mask = x.shape.map((_, i) => nd.includes(i));
  if (op !== 'sum') {
    for (const d of nd) if (x.shape[d] === 0) fail(fn, `cannot reduce dim ${d} of size 0 in shape ${formatShape(x.shape)}; expected a non-empty dim`);
  }
  const kept = x.shape.map((s, i) => (mask[i] ? 1 : s));
  const out = be.alloc(numel(kept));
  be.reduce(op, x.shape, x, mask, out);
  const shape = keepDim ? kept : x.shape.filter((_, i) => !mask[i]);
  return new Tensor(out, shape);
}

/** Sums a broadcast gradient back down to `shape` (the inverse of broadcasting). */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  const r = reduce('sum', g, dims, true);
  return r.reshape(shape);
}

/** Max/min along `dim`, with indices (float32 integers). */
export function argReduce(op: 'max' | 'min', x: Tensor, dim: number, keepDim = false, fn = `${op}`): { values: Tensor; indices: Tensor } {
  const be = getBackend();
  const d = normalizeDim(fn, dim, x.ndim);
  const shape = x.ndim === 0 ? [1] : x.shape;
  const n = shape[d]!;
  if (n === 0) fail(fn, `cannot reduce dim ${d} of size 0 in shape ${formatShape(x.shape)}; expected a non-empty dim`);
  const outer = numel(shape.slice(0, d)), inner = numel(shape.slice(d + 1));
  const src = x.contiguous();
  const values = be.alloc(outer * inner), indices = be.alloc(outer * inner);
  be.argReduce(op, src.contiguousStorage(), outer, n, inner, values, indices);
  const outShape = x.ndim === 0 ? [] : keepDim ? x.shape.map((s, i) => (i === d ? 1 : s)) : x.shape.filter((_, i) => i !== d);
  return { values: new Tensor(values, outShape), indices: new Tensor(indices, outShape) };
}

/** Softmax / log-softmax along `dim`. */
export function softmax(x: Tensor, dim: number, log: boolean): Tensor {
  const be = getBackend();
  const d = normalizeDim(log ? 'logSoftmax' : 'softmax', dim, x.ndim);
  const shape = x.ndim === 0 ? [1] : x.shape;
  const src = x.contiguous();
  const out = be.alloc(src.size);
  be.softmax(src.contiguousStorage(), numel(shape.slice(0, d)), shape[d]!, numel(shape.slice(d + 1)), log, out);
  return new Tensor(out, x.shape);
}

export function softmaxBackward(y: Tensor, g: Tensor, dim: number, log: boolean): Tensor {
  const be = getBackend();
  const shape = y.ndim === 0 ? [1] : y.shape;
  const d = dim < 0 ? dim + shape.length : dim;
  const out = be.alloc(y.size);
  be.softmaxBackward(y.contiguousStorage(), g.contiguousStorage(), numel(shape.slice(0, d)), shape[d]!, numel(shape.slice(d + 1)), log, out);
  return new Tensor(out, y.shape);
}

/**
 * (*, M, K) @ (*, K, N) -> (*, M, N), batch dims broadcast; 1-D operands as torch.matmul
 * (a vector is a row on the left and a column on the right, and that dim is dropped).
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) fail('matmul', `operand shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} include a 0-d tensor; expected at least 1 dim each`);
  const A = a.ndim === 1 ? a.unsqueeze(0) : a;
  const B = b.ndim === 1 ? b.unsqueeze(1) : b;
  const M = A.shape[A.ndim - 2]!, K = A.shape[A.ndim - 1]!;
  const K2 = B.shape[B.ndim - 2]!, N = B.shape[B.ndim - 1]!;
  if (K !== K2) {
    fail('matmul', `inner dimensions do not match: ${formatShape(a.shape)} @ ${formatShape(b.shape)} (${K} vs ${K2}); expected the last dim of the first to equal the ${b.ndim === 1 ? 'only' : 'second-to-last'} dim of the second`);
  }
  const batchA = A.shape.slice(0, -2), batchB = B.shape.slice(0, -2);
  for (let i = 1; i <= Math.min(batchA.length, batchB.length); i++) {
    const p = batchA[batchA.length - i]!, q = batchB[batchB.length - i]!;
    if (p !== q && p !== 1 && q !== 1) {
      fail('matmul', `batch dims of ${formatShape(a.shape)} @ ${formatShape(b.shape)} cannot be broadcast together (${formatShape(batchA)} vs ${formatShape(batchB)}); expected equal sizes or 1`);
    }
  }
  const batch = broadcastShapes('matmul', batchA, batchB);
  const be = getBackend();
  const nb = numel(batch);
  const out = be.alloc(nb * M * N);
  const Ab = A.expand([...batch, M, K]), Bb = B.expand([...batch, K, N]);
  const bstrA = Ab.strides.slice(0, -2), bstrB = Bb.strides.slice(0, -2);
  const bstrides = contiguousStrides(batch);
  const aRs = Ab.strides[Ab.ndim - 2]!, aCs = Ab.strides[Ab.ndim - 1]!;
  const bRs = Bb.strides[Bb.ndim - 2]!, bCs = Bb.strides[Bb.ndim - 1]!;
  for (let i = 0; i < nb; i++) {
    let oa = Ab.offset, ob = Bb.offset, rem = i;
    for (let d = 0; d < batch.length; d++) {
      const q = Math.floor(rem / bstrides[d]!);
      rem -= q * bstrides[d]!;
      oa += q * bstrA[d]!;
      ob += q * bstrB[d]!;
    }
    be.gemm(M, N, K, liveArray(Ab.storage), oa, aRs, aCs, liveArray(Bb.storage), ob, bRs, bCs, out, i * M * N, N, false);
  }
  let shape = [...batch, M, N];
  if (a.ndim === 1) shape = [...batch, N];
  if (b.ndim === 1) shape = a.ndim === 1 ? [...batch] : [...batch, M];
  return new Tensor(out, shape);
}

/** The parts `catTarget` handed out, each with the tensor it is a part of, its dim and its place. */
const parts = new WeakMap<Tensor, { readonly whole: Tensor; readonly dim: number; readonly index: number; readonly count: number }>();

/**
 * An unfilled tensor of `shape` as its parts along `dim` (`sizes` of them, in order): views a
 * producer writes into in place (a convolution: `conv2d`'s `into`), so that `cat` of exactly these
 * part tensors, in this order, along `dim` is the whole tensor, with no copy. Until written, what a
 * part holds is unspecified. Only `cat` treats them specially, and only these tensor objects: any
 * other view of the same elements is concatenated by copying, as always.
 */
export function catTarget(shape: readonly number[], dim: number, sizes: readonly number[]): Tensor[] {
  const d = normalizeDim('catTarget', dim, shape.length);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== shape[d]) fail('catTarget', `sizes [${sizes.join(', ')}] add up to ${total}; expected ${shape[d]!}, the size of dim ${d} of ${formatShape(shape)}`);
  const whole = new Tensor(getBackend().empty(numel(shape)), shape);
  let start = 0;
  return sizes.map((n, index) => {
    const part = whole.narrow(d, start, n);
    parts.set(part, { whole, dim: d, index, count: sizes.length });
    start += n;
    return part;
  });
}

/** The tensor `catTarget` made of exactly these parts along `d`, in order; else null. */
function placedWhole(tensors: readonly Tensor[], d: number): Tensor | null {
  const first = parts.get(tensors[0]!);
  if (first === undefined || first.dim !== d || first.count !== tensors.length) return null;
  for (let i = 0; i < tensors.length; i++) {
    const p = parts.get(tensors[i]!);
    if (p === undefined || p.whole !== first.whole || p.index !== i) return null;
  }
  return first.whole;
}

/** Concatenates along `dim`; all other dims must match. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) fail('cat', 'tensors is empty; expected at least one tensor');
  const first = tensors[0]!;
  tensors.forEach((t, k) => {
    if (t.ndim === 0) fail('cat', `tensor ${k} is 0-d (shape []); expected tensors with at least 1 dim (use stack for 0-d tensors)`);
  });
  const d = normalizeDim('cat', dim, first.ndim);
  let total = 0;
  tensors.forEach((t, k) => {
    if (t.ndim !== first.ndim || t.shape.some((s, i) => i !== d && s !== first.shape[i])) {
      fail('cat', `tensor ${k} has shape ${formatShape(t.shape)}, which does not match ${formatShape(first.shape)} outside dim ${d}; expected equal sizes except along dim ${d}`);
    }
    total += t.shape[d]!;
  });
  const placed = placedWhole(tensors, d);
  if (placed !== null) return placed;
  const shape = first.shape.slice();
  shape[d] = total;
  const out = new Tensor(getBackend().empty(numel(shape)), shape); // the copies below fill all of it
  let start = 0;
  for (const t of tensors) {
    copyInto(out.narrow(d, start, t.shape[d]!), t);
    start += t.shape[d]!;
  }
  return out;
}

/**
 * Constant padding; `pad` lists (before, after) pairs starting from the LAST dim, as torch.nn.functional.pad.
 * Negative entries crop.
 */
export function pad(x: Tensor, pads: readonly number[], value = 0): Tensor {
  if (pads.length % 2 !== 0 || pads.length / 2 > x.ndim) {
    fail('pad', `pad [${pads.join(', ')}] has ${pads.length} entries; expected an even count of at most ${2 * x.ndim} (two per padded dim)`);
  }
  const shape = x.shape.slice();
  let src = x;
  const before = new Array<number>(x.ndim).fill(0);
  for (let k = 0; k < pads.length / 2; k++) {
    const d = x.ndim - 1 - k;
    const lo = pads[2 * k]!, hi = pads[2 * k + 1]!;
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) fail('pad', `pad [${pads.join(', ')}] has a non-integer entry; expected integers`);
    shape[d] = x.shape[d]! + lo + hi;
    if (shape[d]! < 0) fail('pad', `pad [${pads.join(', ')}] crops dim ${d} of size ${x.shape[d]} below 0; expected at most ${x.shape[d]} elements cropped`);
    const cropLo = Math.max(0, -lo), cropHi = Math.max(0, -hi);
    if (cropLo + cropHi > x.shape[d]!) fail('pad', `pad [${pads.join(', ')}] crops ${cropLo + cropHi} elements from dim ${d} of size ${x.shape[d]}; expected at most ${x.shape[d]} elements cropped`);
    src = src.narrow(d, cropLo, Math.max(0, x.shape[d]! - cropLo - cropHi));
    before[d] = Math.max(0, lo);
  }
  const out = new Tensor(getBackend().alloc(numel(shape)), shape);
  if (value !== 0) out.data.fill(value);
  let region = out;
  for (let d = 0; d < x.ndim; d++) region = region.narrow(d, before[d]!, src.shape[d]!);
  copyInto(region, src);
  return out;
}

/**
 * A tensor of `shape` whose elements are each 0 with probability p, else `value`, drawn in order
 * from `generator` (which advances as by one `random()` per element): a dropout mask, made by the
 * active backend where its kernels will read it.
 */
export function fillMask(shape: readonly number[], p: number, value: number, generator: Generator): Tensor {
  if (!(p >= 0 && p <= 1)) fail('fillMask', `p ${String(p)} is out of range; expected a probability in [0, 1]`);
  const be = getBackend();
  const out = be.empty(numel(shape));
  be.fillMask(generator.stateWords(), p, value, out);
  return new Tensor(out, shape);
}
