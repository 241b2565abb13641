import { Tensor } from '../Tensor.js';
import { fail, isInt, normalizeDim } from '../validate.js';
import { indexingEntries } from '../kernels/indexing.js';

/** Integer positions along one dim: a Tensor of integers (float32, as argmax gives them) or a list of numbers. */
export type Indices = Tensor | readonly number[];

/** Normalises `dim` of `x`, refusing 0-d tensors (they have no dim to index). */
export function indexedDim(fn: string, x: Tensor, dim: number): number {
  if (x.ndim === 0) fail(fn, `tensor of shape [] has no dims; expected a tensor with at least 1 dim`);
  return normalizeDim(fn, dim, x.ndim);
}

/** `label` names the value (`index 5`, `index 5 (indices entry 2)`). */
function outOfRange(fn: string, label: string, d: number, n: number): never {
  if (n === 0) return fail(fn, `${label} is out of range for dim ${d} of size 0; expected a non-empty dim`);
  return fail(fn, `${label} is out of range for dim ${d} of size ${n}; expected ${-n} to ${n - 1}`);
}

/** One position along dim `d` of size `n`, negative counting from the end, as PyTorch's `x[i]`. */
export function resolveIndex(fn: string, index: number, d: number, n: number): number {
  if (!isInt(index)) fail(fn, `index ${String(index)} is not an integer; expected an integer from ${-n} to ${n - 1}`);
  if (index < -n || index >= n) outOfRange(fn, `index ${index}`, d, n);
  return index < 0 ? index + n : index;
}

/** Positions along dim `d` of size `n` as an Int32Array (negatives resolved) and the indices' shape. */
export function resolveIndices(fn: string, indices: Indices, d: number, n: number): { flat: Int32Array; shape: number[] } {
  let values: ArrayLike<number>, shape: number[];
  if (indices instanceof Tensor) {
    values = indices.values();
    shape = indices.shape.slice();
  } else if (Array.isArray(indices)) {
    values = indices as readonly number[];
    shape = [indices.length];
  } else {
    return fail(fn, `indices ${String(indices)} is not a Tensor or an array of integers; expected one of them`);
  }
  const flat = new Int32Array(values.length);
  for (let j = 0; j < values.length; j++) {
    const v = values[j]!;
    if (!isInt(v)) fail(fn, `indices entry ${String(v)} at position ${j} is not an integer; expected integers from ${-n} to ${n - 1}`);
    if (v < -n || v >= n) outOfRange(fn, `index ${v} (indices entry ${j})`, d, n);
    flat[j] = v < 0 ? v + n : v;
  }
  return { flat, shape };
}

/** (*a, n, *b) -> (*a, *b): the slice at `index` along `dim` (PyTorch's `x[i]` for dim 0). A view. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = indexedDim('select', x, dim);
  const i = resolveIndex('select', index, d, x.shape[d]!);
  return x.narrow(d, i, 1).squeeze(d);
}

/** The shape of `index(x, dim, indices)`: (*a, *indices.shape, *b) for x of shape (*a, n, *b). */
export function indexedShape(xShape: readonly number[], d: number, indicesShape: readonly number[]): number[] {
  return [...xShape.slice(0, d), ...indicesShape, ...xShape.slice(d + 1)];
}

/**
 * (*a, n, *b), indices (*i) -> (*a, *i, *b): the slices at `indices` along `dim`, in their order,
 * repeats allowed (PyTorch's `x[idx]` for dim 0, `x[:, idx]` for dim 1). A copy.
 */
export function index(x: Tensor, dim: number, indices: Indices): Tensor {
  const d = indexedDim('index', x, dim);
  const { flat, shape } = resolveIndices('index', indices, d, x.shape[d]!);
  const out = indexingEntries.indexSelect(x, d, flat);
  return out.reshape(indexedShape(x.shape, d, shape));
}
