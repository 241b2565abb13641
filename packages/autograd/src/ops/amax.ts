import { Tensor, kernels } from '@tapegrad/tensor';
import { defineOp } from '../defineOp.js';
import { OpContext } from '../OpContext.js';
import type { Variable } from '../Variable.js';
import { lift, type Operand } from './operand.js';
import { reductionDims, type Dims } from './dims.js';

type Opts = { dims: number[]; keepDim: boolean; op: 'max' | 'min' };
type Saved = { x: Tensor; kept: Tensor; dims: number[] };

// (*) -> reduced. The gradient is shared evenly among the elements equal to the extreme, as PyTorch's amax/amin.
const extremeOp = defineOp({
  name: 'amax',
  forward(ctx: OpContext<Saved>, x: Tensor, o: Opts): Tensor {
    const kept = kernels.reduce(o.op, x, o.dims, true, o.op === 'max' ? 'amax' : 'amin');
    ctx.save({ x, kept, dims: o.dims });
    return o.keepDim ? kept : kept.reshape(x.shape.filter((_, i) => !o.dims.includes(i)));
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { x, kept, dims } = ctx.saved;
    const mask = kernels.binary('eq', x, kept);
    const count = kernels.reduce('sum', mask, dims, true);
    const share = kernels.binary('div', g.reshape(kept.shape), count);
    return [kernels.binary('mul', mask, share)];
  },
});

/** (*) -> reduced: the maximum over `dims` (all by default). */
export function amax(x: Operand, dims?: Dims, keepDim = false): Variable {
  const v = lift(x);
  return extremeOp(v, { dims: reductionDims('amax', dims, v.shape.length), keepDim, op: 'max' });
}

/** (*) -> reduced: the minimum over `dims` (all by default). */
export function amin(x: Operand, dims?: Dims, keepDim = false): Variable {
  const v = lift(x);
  return extremeOp(v, { dims: reductionDims('amin', dims, v.shape.length), keepDim, op: 'min' });
}
