import { Tensor, kernels, scalar, expectFinite } from '@tapegrad/tensor';
import { defineOp, OpContext, type Variable, type Input } from '@tapegrad/autograd';

type Saved = { x: Tensor; alpha: number };

// (*) -> (*): x where x > 0, else alpha * (e^x - 1); gradient 1 or alpha * e^x.
const eluOp = defineOp({
  name: 'elu',
  forward(ctx: OpContext<Saved>, x: Tensor, alpha: number): Tensor {
    ctx.save({ x, alpha });
    return kernels.unary('elu', x, alpha);
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { x, alpha } = ctx.saved;
    const neg = kernels.unary('mulScalar', kernels.unary('exp', x), alpha);
    const d = kernels.where(kernels.binary('gt', x, scalar(0)), scalar(1), neg);
    return [kernels.binary('mul', g, d)];
  },
});

export interface EluOptions {
  /** @default 1 */
  alpha?: number;
}

/** (*) -> (*): x for x > 0, alpha * (exp(x) - 1) otherwise. */
export function elu(x: Input, opts: EluOptions = {}): Variable {
  return eluOp(x, expectFinite('elu', 'alpha', opts.alpha ?? 1));
}
