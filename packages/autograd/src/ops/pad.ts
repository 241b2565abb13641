import { Tensor, kernels, fail } from '@tapegrad/tensor';
import { defineOp } from '../defineOp.js';
import { OpContext } from '../OpContext.js';
import type { Variable } from '../Variable.js';
import { lift, type Operand } from './operand.js';

type Opts = { pads: readonly number[]; value: number };

// (*, n) -> (*, n + before + after) for each padded dim, pads listed from the last dim (torch.nn.functional.pad);
// backward crops the gradient with the negated pads.
const padOp = defineOp({
  name: 'pad',
  forward(ctx: OpContext<{ pads: readonly number[] }>, x: Tensor, o: Opts): Tensor {
    ctx.save({ pads: o.pads });
    return kernels.pad(x, o.pads, o.value);
  },
  backward(ctx: OpContext<{ pads: readonly number[] }>, g: Tensor) {
    return [kernels.pad(g, ctx.saved.pads.map((p) => -p))];
  },
});

/** Constant padding: `pads` = [lastBefore, lastAfter, secondLastBefore, ...]; negative entries crop. */
export function pad(x: Operand, pads: readonly number[], value = 0): Variable {
  if (typeof value !== 'number') fail('pad', `value ${String(value)} is not a number`);
  return padOp(lift(x), { pads, value });
}
