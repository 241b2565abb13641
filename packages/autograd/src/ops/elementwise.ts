import { Tensor, kernels, type UnaryOp } from '@tapegrad/tensor';
import { defineOp } from '../defineOp.js';
import { OpContext } from '../OpContext.js';
import type { Variable } from '../Variable.js';
import { lift, type Operand } from './operand.js';

const { binary, unary } = kernels;
type Saved = { x: Tensor; out: Tensor };

/** An elementwise op (*) -> (*) whose backward is g * d(x, out). */
function elementwise(name: string, op: UnaryOp, derivative: (x: Tensor, out: Tensor, g: Tensor) => Tensor) {
  const fn = defineOp({
    name,
    forward(ctx: OpContext<Saved>, x: Tensor): Tensor {
      const out = unary(op, x);
      ctx.save({ x, out });
      return out;
    },
    backward(ctx: OpContext<Saved>, g: Tensor) {
      const { x, out } = ctx.saved;
      return [derivative(x, out, g)];
    },
  });
  return (x: Operand): Variable => fn(lift(x));
}

/** (*) -> (*): -x */
export const neg = elementwise('neg', 'neg', (_x, _o, g) => unary('neg', g));
/** (*) -> (*): e^x */
export const exp = elementwise('exp', 'exp', (_x, out, g) => binary('mul', g, out));
/** (*) -> (*): ln x */
export const log = elementwise('log', 'log', (x, _o, g) => binary('div', g, x));
/** (*) -> (*): sqrt x */
export const sqrt = elementwise('sqrt', 'sqrt', (_x, out, g) => binary('div', g, unary('mulScalar', out, 2)));
/** (*) -> (*): |x|, gradient sign(x) (0 at 0, as PyTorch) */
export const abs = elementwise('abs', 'abs', (x, _o, g) => binary('mul', g, unary('sign', x)));
/** (*) -> (*): max(x, 0); the gradient passes except where out <= 0 (so NaN passes it, as PyTorch's threshold_backward) */
export const relu = elementwise('relu', 'relu', (_x, out, g) => kernels.reluBackward(out, g));
/** (*) -> (*): 1 / (1 + e^-x) */
export const sigmoid = elementwise('sigmoid', 'sigmoid', (_x, out, g) =>
  binary('mul', g, binary('mul', out, unary('addScalar', unary('neg', out), 1))));
/** (*) -> (*): tanh x */
export const tanh = elementwise('tanh', 'tanh', (_x, out, g) =>
  binary('mul', g, unary('addScalar', unary('neg', unary('square', out)), 1)));
