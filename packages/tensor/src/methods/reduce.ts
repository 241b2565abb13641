import type { Tensor } from '../Tensor.js';
import { scalar } from '../create.js';
import { reduce, argReduce, binary } from '../kernels/core.js';

/** The `dims` argument of a reduction: one dim, a list, or nothing (every dim). */
export type ReduceDims = number | readonly number[] | null | undefined;

/** As PyTorch 1.13, an empty list reduces every dim, like omitting `dims`. */
function every(dims: ReduceDims): ReduceDims {
  return Array.isArray(dims) && dims.length === 0 ? undefined : dims;
}

/** (*) -> reduced: the sum over `dims` (all by default), accumulated in float64. */
export function sum(x: Tensor, dims: ReduceDims, keepDim: boolean): Tensor {
  return reduce('sum', x, every(dims), keepDim, 'sum');
}

/**
 * (*) -> reduced: the mean over `dims` (all by default): the sum divided by the count in float32,
 * as PyTorch's CPU mean; NaN over an empty dim.
 */
export function mean(x: Tensor, dims: ReduceDims, keepDim: boolean): Tensor {
  const s = reduce('sum', x, every(dims), keepDim, 'mean');
  const count = s.size === 0 ? 1 : x.size / s.size;
  return binary('div', s, scalar(count), 'mean');
}

/**
 * (*) -> indices (float32 integers) of the maximum or minimum along `dim`, or over the flattened
 * tensor when `dim` is undefined (then keepDim gives every dim size 1). Ties: the first index; NaN wins.
 */
export function argExtreme(op: 'max' | 'min', x: Tensor, dim: number | undefined, keepDim: boolean): Tensor {
  const fn = `arg${op}`;
  if (dim === undefined) {
    const flat = argReduce(op, x.reshape([x.size]), 0, false, fn).indices;
    return keepDim ? flat.reshape(x.shape.map(() => 1)) : flat;
  }
  return argReduce(op, x, dim, keepDim, fn).indices;
}
