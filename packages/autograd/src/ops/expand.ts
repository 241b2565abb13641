import { Tensor, kernels } from '@tapegrad/tensor';
import { defineOp } from '../defineOp.js';
import { OpContext } from '../OpContext.js';
import type { Variable } from '../Variable.js';
import { lift, type Operand } from './operand.js';

type Saved = { inShape: readonly number[] };

// (*) -> (shape): broadcast view (stride 0); backward sums over the broadcast dims.
const expandOp = defineOp({
  name: 'expand',
  forward(ctx: OpContext<Saved>, x: Tensor, shape: readonly number[]): Tensor {
    ctx.save({ inShape: x.shape });
    return x.expand(shape);
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    return [kernels.sumToShape(g, ctx.saved.inShape)];
  },
});

/** (*) -> (shape): size-1 dims broadcast (-1 keeps a size). */
export function expand(x: Operand, shape: readonly number[]): Variable {
  return expandOp(lift(x), shape);
}
