import { Tensor, kernels, arange, normalizeDim } from '@tapegrad/tensor';
import { defineOp } from '../defineOp.js';
import { OpContext } from '../OpContext.js';
import type { Variable } from '../Variable.js';
import { lift, type Operand } from './operand.js';

type Opts = { dim: number; keepDim: boolean; op: 'max' | 'min' };
type Saved = { inShape: readonly number[]; indices: Tensor; dim: number };

// (*, n, *) -> (*, *) values and indices along `dim`; the whole gradient goes to the chosen index.
const maxDimOp = defineOp({
  name: 'max',
  forward(ctx: OpContext<Saved>, x: Tensor, o: Opts): [Tensor, Tensor] {
    const { values, indices } = kernels.argReduce(o.op, x, o.dim, true, o.op);
    ctx.save({ inShape: x.shape, indices, dim: o.dim });
    if (o.keepDim || x.ndim === 0) return [values, indices];
    const shape = x.shape.filter((_, i) => i !== o.dim);
    return [values.reshape(shape), indices.reshape(shape)];
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { inShape, indices, dim } = ctx.saved;
    if (inShape.length === 0) return [g];
    const pos = arange(inShape[dim]!).reshape(inShape.map((s, i) => (i === dim ? s : 1)));
    const onehot = kernels.binary('eq', pos, indices);
    return [kernels.binary('mul', onehot, g.reshape(indices.shape))];
  },
});

/** (*, n, *) -> [values, indices]: the maximum along `dim` and where it is (first on ties; NaN wins). */
export function max(x: Operand, dim: number, keepDim = false): [Variable, Tensor] {
  const v = lift(x);
  const [values, indices] = maxDimOp(v, { dim: normalizeDim('max', dim, v.shape.length), keepDim, op: 'max' });
  return [values, indices!];
}

/** (*, n, *) -> [values, indices]: the minimum along `dim`. */
export function min(x: Operand, dim: number, keepDim = false): [Variable, Tensor] {
  const v = lift(x);
  const [values, indices] = maxDimOp(v, { dim: normalizeDim('min', dim, v.shape.length), keepDim, op: 'min' });
  return [values, indices!];
}

function data(x: Operand): Tensor {
  const t = lift(x);
  return t instanceof Tensor ? t : t.data;
}

/** (*) -> indices (float32 integers) of the maximum along `dim`, or over the flattened tensor. */
export function argmax(x: Operand, dim?: number, keepDim = false): Tensor { return data(x).argmax(dim, keepDim); }
/** (*) -> indices of the minimum along `dim`, or over the flattened tensor. */
export function argmin(x: Operand, dim?: number, keepDim = false): Tensor { return data(x).argmin(dim, keepDim); }
