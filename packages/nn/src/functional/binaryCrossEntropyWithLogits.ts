import { Tensor, kernels, fail, formatShape, shapesEqual } from '@tapegrad/tensor';
import { defineOp, OpContext, type Variable, type Input } from '@tapegrad/autograd';
import { checkReduction, reduce, type Reduction } from './reduction.js';

const { unary, binary } = kernels;

export interface BceWithLogitsOptions {
  /** Weight of each element's loss, broadcast to the input's shape. */
  weight?: Tensor;
  /** Weight of the positive term per class (broadcast along the last dim). */
  posWeight?: Tensor;
  /** @default 'mean' */
  reduction?: Reduction;
}

type Consts = { weight: Tensor | null; posWeight: Tensor | null };
type Saved = Consts & { x: Tensor; y: Tensor };

/** log(1 + e^-x) computed stably as max(-x, 0) + log(1 + e^-|x|). */
function softplusNeg(x: Tensor): Tensor {
  const m = unary('relu', unary('neg', x));
  return binary('add', m, unary('log', unary('addScalar', unary('exp', unary('neg', unary('abs', x))), 1)));
}

// (*), (*) -> (*): (1 - y) x + (1 + (pw - 1) y) log(1 + e^-x), times weight.
// d/dx = (sigmoid(x) (1 + (pw - 1) y) - pw y) * weight, d/dy = ((pw - 1) log(1 + e^-x) - x) * weight.
const bceOp = defineOp({
  name: 'binaryCrossEntropyWithLogits',
  forward(ctx: OpContext<Saved>, x: Tensor, y: Tensor, c: Consts): Tensor {
    ctx.save({ x, y, ...c });
    const sp = softplusNeg(x);
    const lw = c.posWeight ? unary('addScalar', binary('mul', unary('addScalar', c.posWeight, -1), y), 1) : null;
    const loss = binary('add', binary('mul', unary('addScalar', unary('neg', y), 1), x), lw ? binary('mul', lw, sp) : sp);
    return c.weight ? binary('mul', loss, c.weight) : loss;
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { x, y, weight, posWeight } = ctx.saved;
    const gw = weight ? binary('mul', g, weight) : g;
    let gx: Tensor | null = null, gy: Tensor | null = null;
    if (ctx.needsInputGrad[0]) {
      const sig = unary('sigmoid', x);
      const d = posWeight
        ? binary('sub', binary('mul', sig, unary('addScalar', binary('mul', unary('addScalar', posWeight, -1), y), 1)), binary('mul', posWeight, y))
        : binary('sub', sig, y);
      gx = kernels.sumToShape(binary('mul', gw, d), x.shape);
    }
    if (ctx.needsInputGrad[1]) {
      const d = posWeight ? binary('sub', binary('mul', unary('addScalar', posWeight, -1), softplusNeg(x)), x) : unary('neg', x);
      gy = kernels.sumToShape(binary('mul', gw, d), y.shape);
    }
    return [gx, gy];
  },
});

/**
 * input logits (*), target (*) in [0, 1] -> () for 'mean'/'sum', (*) for 'none':
 * -w [pw y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))], computed stably from the logits.
 */
export function binaryCrossEntropyWithLogits(input: Input, target: Input, opts: BceWithLogitsOptions = {}): Variable {
  const fn = 'binaryCrossEntropyWithLogits';
  const reduction = checkReduction(fn, opts.reduction);
  const s = input.shape;
  if (!shapesEqual(target.shape, s)) fail(fn, `target shape ${formatShape(target.shape)} does not match input ${formatShape(s)}; expected the same shape`);
  const fits = (name: string, t: Tensor | undefined): Tensor | null => {
    if (!t) return null;
    const lead = s.length - t.shape.length;
    if (lead < 0 || t.shape.some((d, i) => d !== 1 && d !== s[lead + i])) {
      fail(fn, `${name} shape ${formatShape(t.shape)} does not broadcast to input ${formatShape(s)}; expected a shape broadcastable to ${formatShape(s)}`);
    }
    return t;
  };
  const c: Consts = { weight: fits('weight', opts.weight), posWeight: fits('posWeight', opts.posWeight) };
  return reduce(bceOp(input, target, c), reduction);
}
