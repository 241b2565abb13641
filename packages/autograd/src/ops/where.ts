import { Tensor, kernels } from '@tapegrad/tensor';
import { defineOp } from '../defineOp.js';
import { OpContext } from '../OpContext.js';
import type { Variable } from '../Variable.js';
import { lift, type Operand } from './operand.js';

type Saved = { cond: Tensor; aShape: readonly number[]; bShape: readonly number[] };
const ZERO = new Tensor(new Float32Array(1), []);

// cond, (*a), (*b) -> broadcast: a where cond != 0, else b. cond is a constant mask.
const whereOp = defineOp({
  name: 'where',
  forward(ctx: OpContext<Saved>, o: { cond: Tensor }, a: Tensor, b: Tensor): Tensor {
    ctx.save({ cond: o.cond, aShape: a.shape, bShape: b.shape });
    return kernels.where(o.cond, a, b);
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { cond, aShape, bShape } = ctx.saved;
    return [
      ctx.needsInputGrad[0] ? kernels.sumToShape(kernels.where(cond, g, ZERO), aShape) : null,
      ctx.needsInputGrad[1] ? kernels.sumToShape(kernels.where(cond, ZERO, g), bShape) : null,
    ];
  },
});

/** cond, a, b -> broadcast: elementwise choice; `cond` is a Tensor mask (non-zero = take a). */
export function where(cond: Tensor | Variable, a: Operand, b: Operand): Variable {
  const c = cond instanceof Tensor ? cond : cond.data;
  return whereOp({ cond: c }, lift(a), lift(b));
}
