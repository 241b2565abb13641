import { Tensor, kernels } from '@tapegrad/tensor';
import { defineOp } from '../defineOp.js';
import { OpContext } from '../OpContext.js';
import type { Variable } from '../Variable.js';
import { lift, type Operand } from './operand.js';

const { binary, unary, sumToShape, where } = kernels;
type Shapes = { aShape: readonly number[]; bShape: readonly number[] };
type Operands = Shapes & { a: Tensor; b: Tensor; out: Tensor };

// (*a), (*b) -> broadcast(*a, *b); gradients are summed back over broadcast dims.
const addOp = defineOp({
  name: 'add',
  forward(ctx: OpContext<Shapes>, a: Tensor, b: Tensor): Tensor {
    ctx.save({ aShape: a.shape, bShape: b.shape });
    return binary('add', a, b, 'add');
  },
  backward(ctx: OpContext<Shapes>, g: Tensor) {
    const { aShape, bShape } = ctx.saved;
    return [ctx.needsInputGrad[0] ? sumToShape(g, aShape) : null, ctx.needsInputGrad[1] ? sumToShape(g, bShape) : null];
  },
});

const subOp = defineOp({
  name: 'sub',
  forward(ctx: OpContext<Shapes>, a: Tensor, b: Tensor): Tensor {
    ctx.save({ aShape: a.shape, bShape: b.shape });
    return binary('sub', a, b, 'sub');
  },
  backward(ctx: OpContext<Shapes>, g: Tensor) {
    const { aShape, bShape } = ctx.saved;
    return [ctx.needsInputGrad[0] ? sumToShape(g, aShape) : null, ctx.needsInputGrad[1] ? sumToShape(unary('neg', g), bShape) : null];
  },
});

const mulOp = defineOp({
  name: 'mul',
  forward(ctx: OpContext<Operands>, a: Tensor, b: Tensor): Tensor {
    const out = binary('mul', a, b, 'mul');
    ctx.save({ a, b, out, aShape: a.shape, bShape: b.shape });
    return out;
  },
  backward(ctx: OpContext<Operands>, g: Tensor) {
    const { a, b, aShape, bShape } = ctx.saved;
    return [
      ctx.needsInputGrad[0] ? sumToShape(binary('mul', g, b), aShape) : null,
      ctx.needsInputGrad[1] ? sumToShape(binary('mul', g, a), bShape) : null,
    ];
  },
});

// d(a/b)/da = 1/b, d(a/b)/db = -(a/b)/b
const divOp = defineOp({
  name: 'div',
  forward(ctx: OpContext<Operands>, a: Tensor, b: Tensor): Tensor {
    const out = binary('div', a, b, 'div');
    ctx.save({ a, b, out, aShape: a.shape, bShape: b.shape });
    return out;
  },
  backward(ctx: OpContext<Operands>, g: Tensor) {
    const { b, out, aShape, bShape } = ctx.saved;
    const ga = binary('div', g, b);
    return [
      ctx.needsInputGrad[0] ? sumToShape(ga, aShape) : null,
      ctx.needsInputGrad[1] ? sumToShape(unary('neg', binary('mul', ga, out)), bShape) : null,
    ];
  },
});

// d(a^b)/da = b a^(b-1) (0 where b == 0), d(a^b)/db = a^b ln a (0 where a == 0 and b >= 0), as PyTorch.
const powOp = defineOp({
  name: 'pow',
  forward(ctx: OpContext<Operands>, a: Tensor, b: Tensor): Tensor {
    const out = binary('pow', a, b, 'pow');
    ctx.save({ a, b, out, aShape: a.shape, bShape: b.shape });
    return out;
  },
  backward(ctx: OpContext<Operands>, g: Tensor) {
    const { a, b, out, aShape, bShape } = ctx.saved;
    const zero = new Tensor(new Float32Array(1), []);
    let ga: Tensor | null = null, gb: Tensor | null = null;
    if (ctx.needsInputGrad[0]) {
      const d = binary('mul', b, binary('pow', a, unary('addScalar', b, -1)));
      ga = sumToShape(binary('mul', g, where(binary('eq', b, zero), zero, d)), aShape);
    }
    if (ctx.needsInputGrad[1]) {
      const d = binary('mul', out, unary('log', a));
      const mask = binary('mul', binary('eq', a, zero), binary('ge', b, zero));
      gb = sumToShape(binary('mul', g, where(mask, zero, d)), bShape);
    }
    return [ga, gb];
  },
});

// (*) -> (*): x^p for a constant exponent p.
const powScalarOp = defineOp({
  name: 'pow',
  forward(ctx: OpContext<{ x: Tensor; p: number }>, x: Tensor, p: number): Tensor {
    ctx.save({ x, p });
    return unary('powScalar', x, p);
  },
  backward(ctx: OpContext<{ x: Tensor; p: number }>, g: Tensor) {
    const { x, p } = ctx.saved;
    if (p === 0) return [new Tensor(new Float32Array(g.size), g.shape)];
    return [binary('mul', g, unary('mulScalar', unary('powScalar', x, p - 1), p))];
  },
});

/** (*a), (*b) -> broadcast: a + b. */
export function add(a: Operand, b: Operand): Variable { return addOp(lift(a), lift(b)); }
/** (*a), (*b) -> broadcast: a - b. */
export function sub(a: Operand, b: Operand): Variable { return subOp(lift(a), lift(b)); }
/** (*a), (*b) -> broadcast: a * b. */
export function mul(a: Operand, b: Operand): Variable { return mulOp(lift(a), lift(b)); }
/** (*a), (*b) -> broadcast: a / b. */
export function div(a: Operand, b: Operand): Variable { return divOp(lift(a), lift(b)); }
/** (*a), (*b) -> broadcast: a ^ b (a number exponent takes a faster path). */
export function pow(a: Operand, b: Operand): Variable {
  return typeof b === 'number' ? powScalarOp(lift(a), b) : powOp(lift(a), lift(b));
}
