import type { BinaryOp, StridedArray } from '../CoreKernels.js';

/**
 * Walks `shape` in row-major order: the innermost dim in a tight loop, outer dims by counters.
 * Shared by the binary, copy and where kernels; the per-op inner loops live with each kernel.
 */
export function binary(op: BinaryOp, shape: readonly number[], A: StridedArray, B: StridedArray, out: Float32Array): void {
  const rank = shape.length;
  const a = A.data, b = B.data;
  const inner = rank === 0 ? 1 : shape[rank - 1]!;
  const sa = rank === 0 ? 0 : A.strides[rank - 1]!;
  const sb = rank === 0 ? 0 : B.strides[rank - 1]!;
  let total = 1;
  for (let d = 0; d < rank; d++) total *= shape[d]!;
  if (total === 0) return;
  const outer = total / inner;
  const idx = new Int32Array(Math.max(rank, 1));
  let ia = A.offset, ib = B.offset, p = 0;
  for (let o = 0; o < outer; o++) {
    binaryRow(op, a, ia, sa, b, ib, sb, out, p, inner);
    p += inner;
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]!++;
      ia += A.strides[d]!;
      ib += B.strides[d]!;
      if (idx[d]! < shape[d]!) break;
      ia -= A.strides[d]! * shape[d]!;
      ib -= B.strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

function binaryRow(op: BinaryOp, a: Float32Array, ia: number, sa: number, b: Float32Array, ib: number, sb: number,
  out: Float32Array, p: number, n: number): void {
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) out[p + i] = a[ia + i * sa]! + b[ib + i * sb]!; return;
    case 'sub': for (let i = 0; i < n; i++) out[p + i] = a[ia + i * sa]! - b[ib + i * sb]!; return;
    case 'mul': for (let i = 0; i < n; i++) out[p + i] = a[ia + i * sa]! * b[ib + i * sb]!; return;
    case 'div': for (let i = 0; i < n; i++) out[p + i] = a[ia + i * sa]! / b[ib + i * sb]!; return;
    case 'pow': for (let i = 0; i < n; i++) out[p + i] = Math.pow(a[ia + i * sa]!, b[ib + i * sb]!); return;
    case 'maximum':
      for (let i = 0; i < n; i++) { const x = a[ia + i * sa]!, y = b[ib + i * sb]!; out[p + i] = x !== x || y !== y ? NaN : x > y ? x : y; }
      return;
    case 'minimum':
      for (let i = 0; i < n; i++) { const x = a[ia + i * sa]!, y = b[ib + i * sb]!; out[p + i] = x !== x || y !== y ? NaN : x < y ? x : y; }
      return;
    case 'gt': for (let i = 0; i < n; i++) out[p + i] = a[ia + i * sa]! > b[ib + i * sb]! ? 1 : 0; return;
    case 'ge': for (let i = 0; i < n; i++) out[p + i] = a[ia + i * sa]! >= b[ib + i * sb]! ? 1 : 0; return;
    case 'lt': for (let i = 0; i < n; i++) out[p + i] = a[ia + i * sa]! < b[ib + i * sb]! ? 1 : 0; return;
    case 'le': for (let i = 0; i < n; i++) out[p + i] = a[ia + i * sa]! <= b[ib + i * sb]! ? 1 : 0; return;
    case 'eq': for (let i = 0; i < n; i++) out[p + i] = a[ia + i * sa]! === b[ib + i * sb]! ? 1 : 0; return;
    case 'ne': for (let i = 0; i < n; i++) out[p + i] = a[ia + i * sa]! !== b[ib + i * sb]! ? 1 : 0; return;
  }
}

/** Copies a strided view into another strided view of the same shape. */
export function copy(shape: readonly number[], X: StridedArray, O: StridedArray): void {
  const rank = shape.length;
  const x = X.data, out = O.data;
  const inner = rank === 0 ? 1 : shape[rank - 1]!;
  const sx = rank === 0 ? 0 : X.strides[rank - 1]!;
  const so = rank === 0 ? 0 : O.strides[rank - 1]!;
  let total = 1;
  for (let d = 0; d < rank; d++) total *= shape[d]!;
  if (total === 0) return;
  const outer = total / inner;
  const idx = new Int32Array(Math.max(rank, 1));
  let ix = X.offset, io = O.offset;
  for (let o = 0; o < outer; o++) {
    if (sx === 1 && so === 1) out.set(x.subarray(ix, ix + inner), io);
    else for (let i = 0; i < inner; i++) out[io + i * so] = x[ix + i * sx]!;
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]!++;
      ix += X.strides[d]!;
      io += O.strides[d]!;
      if (idx[d]! < shape[d]!) break;
      ix -= X.strides[d]! * shape[d]!;
      io -= O.strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

/** out = cond != 0 ? a : b, all strided over `shape`. */
export function where(shape: readonly number[], C: StridedArray, A: StridedArray, B: StridedArray, out: Float32Array): void {
  const rank = shape.length;
  let total = 1;
  for (let d = 0; d < rank; d++) total *= shape[d]!;
  const idx = new Int32Array(Math.max(rank, 1));
  let ic = C.offset, ia = A.offset, ib = B.offset;
  for (let p = 0; p < total; p++) {
    out[p] = C.data[ic]! !== 0 ? A.data[ia]! : B.data[ib]!;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      ic += C.strides[d]!; ia += A.strides[d]!; ib += B.strides[d]!;
      if (idx[d]! < shape[d]!) break;
      ic -= C.strides[d]! * shape[d]!; ia -= A.strides[d]! * shape[d]!; ib -= B.strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}
