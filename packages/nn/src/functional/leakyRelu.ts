import { Tensor, kernels, scalar, expectFinite } from '@tapegrad/tensor';
import { defineOp, OpContext, type Variable, type Input } from '@tapegrad/autograd';

type Saved = { x: Tensor; slope: number };

// (*) -> (*): x where x > 0, else slope * x; gradient 1 or slope (slope at 0, as PyTorch).
const leakyReluOp = defineOp({
  name: 'leakyRelu',
  forward(ctx: OpContext<Saved>, x: Tensor, slope: number): Tensor {
    ctx.save({ x, slope });
    return kernels.unary('leakyRelu', x, slope);
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { x, slope } = ctx.saved;
    const d = kernels.where(kernels.binary('gt', x, scalar(0)), scalar(1), scalar(slope));
    return [kernels.binary('mul', g, d)];
  },
});

export interface LeakyReluOptions {
  /** Slope for x < 0. @default 0.01 */
  negativeSlope?: number;
}

/** (*) -> (*): max(0, x) + negativeSlope * min(0, x). */
export function leakyRelu(x: Input, opts: LeakyReluOptions = {}): Variable {
  return leakyReluOp(x, expectFinite('leakyRelu', 'negativeSlope', opts.negativeSlope ?? 0.01));
}
