import { Tensor, kernels, normalizeDim } from '@tapegrad/tensor';
import { defineOp } from '../defineOp.js';
import { OpContext } from '../OpContext.js';
import type { Variable } from '../Variable.js';
import { lift, type Operand } from './operand.js';

type Saved = { out: Tensor; dim: number; log: boolean };

// (*) -> (*): (log-)softmax along `dim`, max-subtracted for stability; backward from the output alone.
const softmaxOp = defineOp({
  name: 'softmax',
  forward(ctx: OpContext<Saved>, x: Tensor, o: { dim: number; log: boolean }): Tensor {
    const out = kernels.softmax(x, o.dim, o.log);
    ctx.save({ out, dim: o.dim, log: o.log });
    return out;
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { out, dim, log } = ctx.saved;
    return [kernels.softmaxBackward(out, g, dim, log)];
  },
});

/** (*) -> (*): softmax along `dim`. */
export function softmax(x: Operand, dim: number): Variable {
  const v = lift(x);
  return softmaxOp(v, { dim: normalizeDim('softmax', dim, v.shape.length), log: false });
}

/** (*) -> (*): log-softmax along `dim`. */
export function logSoftmax(x: Operand, dim: number): Variable {
  const v = lift(x);
  return softmaxOp(v, { dim: normalizeDim('logSoftmax', dim, v.shape.length), log: true });
}
