import { Tensor, kernels, zeros, indexedDim, indexedShape, resolveIndices, type Indices } from '@tapegrad/tensor';
import { defineOp } from '../defineOp.js';
import { OpContext } from '../OpContext.js';
import type { Variable } from '../Variable.js';
import { lift, type Operand } from './operand.js';

type SelectOpts = { dim: number; index: number };
type SelectSaved = SelectOpts & { inShape: readonly number[] };

// (*a, n, *b) -> (*a, *b): a view of the slice at `index`; backward places the gradient there in zeros.
const selectOp = defineOp({
  name: 'select',
  forward(ctx: OpContext<SelectSaved>, x: Tensor, o: SelectOpts): Tensor {
    const out = x.select(o.dim, o.index); // validates dim and index
    const dim = o.dim < 0 ? o.dim + x.ndim : o.dim;
    ctx.save({ dim, index: o.index < 0 ? o.index + x.shape[dim]! : o.index, inShape: x.shape });
    return out;
  },
  backward(ctx: OpContext<SelectSaved>, g: Tensor) {
    const { dim, index, inShape } = ctx.saved;
    const out = zeros(inShape);
    kernels.copyInto(out.select(dim, index), g);
    return [out];
  },
});

type IndexOpts = { dim: number; flat: Int32Array; shape: readonly number[] };
type IndexSaved = IndexOpts & { inShape: readonly number[] };

// (*a, n, *b), indices (*i) -> (*a, *i, *b): a gather of slices; backward adds each slice's
// gradient back at its index (repeats sum), as PyTorch's index backward (index_put with accumulate).
const indexOp = defineOp({
  name: 'index',
  forward(ctx: OpContext<IndexSaved>, x: Tensor, o: IndexOpts): Tensor {
    ctx.save({ ...o, inShape: x.shape });
    return kernels.indexSelect(x, o.dim, o.flat).reshape(indexedShape(x.shape, o.dim, o.shape));
  },
  backward(ctx: OpContext<IndexSaved>, g: Tensor) {
    const { dim, flat, inShape } = ctx.saved;
    const gk = g.reshape(inShape.map((s, i) => (i === dim ? flat.length : s)));
    return [kernels.indexAdd(gk, dim, flat, inShape)];
  },
});

/** (*a, n, *b) -> (*a, *b): PyTorch's `x.select(dim, index)` (`x[i]` for dim 0), `index` in [-n, n). */
export function select(x: Operand, dim: number, index: number): Variable {
  return selectOp(lift(x), { dim, index });
}

/**
 * (*a, n, *b), indices (*i) -> (*a, *i, *b): PyTorch's `x[idx]` along `dim` (`x[:, idx]` for dim 1):
 * the slices at integer `indices` in [-n, n), in order, repeats allowed.
 */
export function index(x: Operand, dim: number, indices: Indices): Variable {
  const v = lift(x);
  const t = v instanceof Tensor ? v : v.data;
  const d = indexedDim('index', t, dim);
  const { flat, shape } = resolveIndices('index', indices, d, t.shape[d]!);
  return indexOp(v, { dim: d, flat, shape });
}
