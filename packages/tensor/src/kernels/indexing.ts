import { Tensor } from '../Tensor.js';
import { numel } from '../shape.js';
import { getBackend } from '../backend/registry.js';

/**
 * (*a, n, *b) -> (*a, k, *b): the slabs of `x` along `dim` at `indices` (k of them, each already
 * resolved to [0, n) by the caller; `dim` already normalised).
 */
function indexSelect(x: Tensor, dim: number, indices: Int32Array): Tensor {
  const be = getBackend();
  const outer = numel(x.shape.slice(0, dim)), n = x.shape[dim]!, inner = numel(x.shape.slice(dim + 1));
  const shape = x.shape.slice();
  shape[dim] = indices.length;
  const out = be.empty(numel(shape));
  be.indexSelect(x.contiguousStorage(), outer, n, inner, indices, out);
  return new Tensor(out, shape);
}

/** The gradient of indexSelect: g (*a, k, *b) scattered into zeros of `inShape` (*a, n, *b), repeats summed. */
function indexAdd(g: Tensor, dim: number, indices: Int32Array, inShape: readonly number[]): Tensor {
  const be = getBackend();
  const outer = numel(inShape.slice(0, dim)), n = inShape[dim]!, inner = numel(inShape.slice(dim + 1));
  const out = be.alloc(numel(inShape));
  be.indexAdd(g.contiguousStorage(), outer, n, inner, indices, out);
  return new Tensor(out, inShape);
}

/** Tensor-level entry points of the indexing kernels (merged into `kernels`). */
export const indexingEntries = { indexSelect, indexAdd };
