import { Tensor, kernels } from '@tapegrad/tensor';
import { defineOp } from '../defineOp.js';
import { OpContext } from '../OpContext.js';
import type { Variable } from '../Variable.js';
import { lift, type Operand } from './operand.js';
import { reductionDims, type Dims } from './dims.js';

type Opts = { dims: number[]; keepDim: boolean; scale: number };
type Saved = { inShape: readonly number[]; keptShape: number[]; scale: number };

// (*) -> (*) with `dims` removed (or kept as 1); mean is sum scaled by 1/count.
const sumOp = defineOp({
  name: 'sum',
  forward(ctx: OpContext<Saved>, x: Tensor, o: Opts): Tensor {
    const keptShape = x.shape.map((s, i) => (o.dims.includes(i) ? 1 : s));
    ctx.save({ inShape: x.shape, keptShape, scale: o.scale });
    const s = kernels.reduce('sum', x, o.dims, o.keepDim, 'sum');
    return o.scale === 1 ? s : kernels.unary('mulScalar', s, o.scale);
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { inShape, keptShape, scale } = ctx.saved;
    const gk = g.reshape(keptShape);
    return [(scale === 1 ? gk : kernels.unary('mulScalar', gk, scale)).expand(inShape)];
  },
});

/** (*) -> reduced: the sum over `dims` (all by default). */
export function sum(x: Operand, dims?: Dims, keepDim = false): Variable {
  const v = lift(x);
  return sumOp(v, { dims: reductionDims('sum', dims, v.shape.length), keepDim, scale: 1 });
}

/** (*) -> reduced: the mean over `dims` (all by default); NaN over an empty dim, as PyTorch. */
export function mean(x: Operand, dims?: Dims, keepDim = false): Variable {
  const v = lift(x);
  const nd = reductionDims('mean', dims, v.shape.length);
  const count = nd.reduce((p, d) => p * v.shape[d]!, 1);
  return sumOp(v, { dims: nd, keepDim, scale: 1 / count });
}
