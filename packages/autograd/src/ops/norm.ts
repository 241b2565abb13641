import { Tensor, kernels, fail } from '@tapegrad/tensor';
import { defineOp } from '../defineOp.js';
import { OpContext } from '../OpContext.js';
import type { Variable } from '../Variable.js';
import { lift, type Operand } from './operand.js';
import { reductionDims, type Dims } from './dims.js';

type Opts = { p: number; dims: number[]; keepDim: boolean };
type Saved = { x: Tensor; kept: Tensor; p: number; dims: number[] };

const { unary, binary, reduce, where } = kernels;
const ZERO = new Tensor(new Float32Array(1), []);

// (*) -> reduced: (sum |x|^p)^(1/p); p = Infinity is max |x|, p = 0 counts non-zeros.
const normOp = defineOp({
  name: 'norm',
  forward(ctx: OpContext<Saved>, x: Tensor, o: Opts): Tensor {
    const a = unary('abs', x);
    let kept: Tensor;
    if (o.p === Infinity) kept = reduce('max', a, o.dims, true, 'norm');
    else if (o.p === -Infinity) kept = reduce('min', a, o.dims, true, 'norm');
    else if (o.p === 0) kept = reduce('sum', binary('ne', x, ZERO), o.dims, true);
    else if (o.p === 1) kept = reduce('sum', a, o.dims, true);
    else if (o.p === 2) kept = unary('sqrt', reduce('sum', unary('square', x), o.dims, true));
    else kept = unary('powScalar', reduce('sum', unary('powScalar', a, o.p), o.dims, true), 1 / o.p);
    ctx.save({ x, kept, p: o.p, dims: o.dims });
    return o.keepDim ? kept : kept.reshape(x.shape.filter((_, i) => !o.dims.includes(i)));
  },
  // d/dx = sign(x) |x|^(p-1) / n^(p-1); 0 where n = 0 (PyTorch's convention for the zero vector)
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { x, kept, p, dims } = ctx.saved;
    const gk = g.reshape(kept.shape);
    if (p === 0) return [binary('mul', x, ZERO)];
    if (p === 1) return [binary('mul', unary('sign', x), gk)];
    if (!Number.isFinite(p)) {
      // the arg-extremes, NaN elements included (PyTorch's mask), so a NaN does not spread 0 * inf = NaN
      const mask = binary('maximum', binary('eq', unary('abs', x), kept), unary('isnan', x));
      const count = reduce('sum', mask, dims, true);
      return [binary('mul', binary('mul', unary('sign', x), mask), binary('div', gk, count))];
    }
    const scale = where(binary('eq', kept, ZERO), ZERO, binary('div', gk, unary('powScalar', kept, p - 1)));
    const local = p === 2 ? x : binary('mul', unary('sign', x), unary('powScalar', unary('abs', x), p - 1));
    return [binary('mul', local, scale)];
  },
});

/** (*) -> reduced: the p-norm over `dims` (all by default). @default p 2 */
export function norm(x: Operand, p = 2, dims?: Dims, keepDim = false): Variable {
  const v = lift(x);
  if (typeof p !== 'number' || Number.isNaN(p)) fail('norm', `p ${String(p)} is not a number; expected a number (2, 1, Infinity, ...)`);
  return normOp(v, { p, dims: reductionDims('norm', dims, v.shape.length), keepDim });
}
