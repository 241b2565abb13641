import { Tensor, kernels, scalar, fail } from '@tapegrad/tensor';
import { defineOp, OpContext, mul, add, tanh, type Variable, type Input } from '@tapegrad/autograd';

const { unary, binary, where } = kernels;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

type Saved = { x: Tensor; out: Tensor };

// (*) -> (*): x * Phi(x); gradient Phi(x) + x * phi(x). Phi is recovered as gelu(x) / x (0.5 at 0).
const geluOp = defineOp({
  name: 'gelu',
  forward(ctx: OpContext<Saved>, x: Tensor): Tensor {
    const out = unary('gelu', x);
    ctx.save({ x, out });
    return out;
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { x, out } = ctx.saved;
    const zero = scalar(0);
    const cdf = where(binary('eq', x, zero), scalar(0.5), binary('div', out, x));
    const pdf = unary('mulScalar', unary('exp', unary('mulScalar', unary('square', x), -0.5)), INV_SQRT_2PI);
    return [binary('mul', g, binary('add', cdf, binary('mul', x, pdf)))];
  },
});

export interface GeluOptions {
  /** 'none': x * Phi(x) exactly (erf); 'tanh': PyTorch's tanh approximation. @default 'none' */
  approximate?: 'none' | 'tanh';
}

/** (*) -> (*): x * Phi(x), Phi the standard normal CDF. */
export function gelu(x: Input, opts: GeluOptions = {}): Variable {
  const a = opts.approximate ?? 'none';
  if (a === 'none') return geluOp(x);
  if (a !== 'tanh') fail('gelu', `approximate '${String(a)}' is not supported; expected 'none' or 'tanh'`);
  // 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))), built from differentiable ops.
  const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
  return mul(mul(x, 0.5), add(tanh(inner), 1));
}
