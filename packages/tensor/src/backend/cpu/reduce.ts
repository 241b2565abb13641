import type { ReduceOp, StridedArray } from '../CoreKernels.js';

/**
 * Reduction over a dim mask. Input walked row-major; the output index advances by `ostr[d]`,
 * which is 0 on reduced dims. Sums go through a float64 accumulator.
 */
export function reduce(op: ReduceOp, shape: readonly number[], X: StridedArray, mask: readonly boolean[], out: Float32Array): void {
  const rank = shape.length;
  const x = X.data;
  // output strides (contiguous over the kept shape), 0 on reduced dims
  const ostr = new Array<number>(rank).fill(0);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    if (!mask[d]) { ostr[d] = s; s *= shape[d]!; }
  }
  const outLen = s;
  let total = 1;
  for (let d = 0; d < rank; d++) total *= shape[d]!;
  const acc = new Float64Array(outLen);
  if (op === 'max') acc.fill(-Infinity);
  else if (op === 'min') acc.fill(Infinity);
  if (total > 0) {
    const inner = rank === 0 ? 1 : shape[rank - 1]!;
    const sx = rank === 0 ? 0 : X.strides[rank - 1]!;
    const so = rank === 0 ? 0 : ostr[rank - 1]!;
    const outer = total / inner;
    const idx = new Int32Array(Math.max(rank, 1));
    let ix = X.offset, io = 0;
    for (let o = 0; o < outer; o++) {
      if (op === 'sum') {
        if (so === 0) {
          let t = 0;
          for (let i = 0; i < inner; i++) t += x[ix + i * sx]!;
          acc[io] = acc[io]! + t;
        } else {
          for (let i = 0; i < inner; i++) acc[io + i * so] = acc[io + i * so]! + x[ix + i * sx]!;
        }
      } else if (op === 'max') {
        for (let i = 0; i < inner; i++) {
          const v = x[ix + i * sx]!, j = io + i * so, c = acc[j]!;
          if (v > c || v !== v) acc[j] = c !== c ? c : v;
        }
      } else {
        for (let i = 0; i < inner; i++) {
          const v = x[ix + i * sx]!, j = io + i * so, c = acc[j]!;
          if (v < c || v !== v) acc[j] = c !== c ? c : v;
        }
      }
      for (let d = rank - 2; d >= 0; d--) {
        idx[d]!++;
        ix += X.strides[d]!;
        io += ostr[d]!;
        if (idx[d]! < shape[d]!) break;
        ix -= X.strides[d]! * shape[d]!;
        io -= ostr[d]! * shape[d]!;
        idx[d] = 0;
      }
    }
  }
  for (let i = 0; i < outLen; i++) out[i] = acc[i]!;
}

/** Arg max/min along the middle axis of (outer, dim, inner). */
export function argReduce(op: 'max' | 'min', x: Float32Array, outer: number, dim: number, inner: number,
  values: Float32Array, indices: Float32Array): void {
  const isMax = op === 'max';
  for (let o = 0; o < outer; o++) {
    const base = o * dim * inner;
    for (let i = 0; i < inner; i++) {
      let best = x[base + i]!, bi = 0;
      if (best === best) {
        for (let k = 1; k < dim; k++) {
          const v = x[base + k * inner + i]!;
          if (v !== v) { best = v; bi = k; break; }
          if (isMax ? v > best : v < best) { best = v; bi = k; }
        }
      }
      values[o * inner + i] = best;
      indices[o * inner + i] = bi;
    }
  }
}
