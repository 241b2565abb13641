import { Tensor, kernels, fail } from '@tapegrad/tensor';
import { defineOp } from '../defineOp.js';
import { OpContext } from '../OpContext.js';
import type { Variable } from '../Variable.js';
import { lift, type Operand } from './operand.js';

type Bounds = { min: number; max: number };

// (*) -> (*); gradient passes where min <= x <= max (PyTorch's mask, so both bounds pass at equality).
const clampOp = defineOp({
  name: 'clamp',
  forward(ctx: OpContext<Bounds & { x: Tensor }>, x: Tensor, b: Bounds): Tensor {
    ctx.save({ x, ...b });
    return kernels.unary('clamp', x, b.min, b.max);
  },
  backward(ctx: OpContext<Bounds & { x: Tensor }>, g: Tensor) {
    const { x, min, max } = ctx.saved;
    const lo = kernels.binary('ge', x, new Tensor(Float32Array.of(min), []));
    const hi = kernels.binary('le', x, new Tensor(Float32Array.of(max), []));
    return [kernels.binary('mul', g, kernels.binary('mul', lo, hi))];
  },
});

/** (*) -> (*): x limited to [min, max]; either bound may be omitted (null). */
export function clamp(x: Operand, min?: number | null, max?: number | null): Variable {
  const lo = min ?? -Infinity, hi = max ?? Infinity;
  if ((min === undefined || min === null) && (max === undefined || max === null)) fail('clamp', 'min and max are both missing; expected at least one bound');
  if (Number.isNaN(lo) || Number.isNaN(hi)) fail('clamp', `bounds [${lo}, ${hi}] contain NaN; expected numbers`);
  return clampOp(lift(x), { min: lo, max: hi });
}
