import { Tensor, resolveReshape } from '@tapegrad/tensor';
import { defineOp } from '../defineOp.js';
import { OpContext } from '../OpContext.js';
import type { Variable } from '../Variable.js';
import { lift, type Operand } from './operand.js';

type Saved = { inShape: readonly number[] };

// (*) -> (shape): same elements; a view when the input is contiguous.
const reshapeOp = defineOp({
  name: 'reshape',
  forward(ctx: OpContext<Saved>, x: Tensor, shape: readonly number[]): Tensor {
    ctx.save({ inShape: x.shape });
    return x.reshape(shape);
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    return [g.reshape(ctx.saved.inShape)];
  },
});

/** (*) -> (shape): one entry may be -1. */
export function reshape(x: Operand, shape: readonly number[]): Variable {
  const v = lift(x);
  return reshapeOp(v, resolveReshape('reshape', v.shape, shape));
}

function tensorOf(x: Operand): Tensor {
  const v = lift(x);
  return v instanceof Tensor ? v : v.data;
}

/** (*, a..b, *) -> (*, a*...*b, *) */
export function flatten(x: Operand, start = 0, end = -1): Variable {
  return reshape(x, tensorOf(x).flatten(start, end).shape);
}

/** Removes size-1 dims (all, or only `dim`). */
export function squeeze(x: Operand, dim?: number): Variable {
  return reshape(x, tensorOf(x).squeeze(dim).shape);
}

/** Inserts a size-1 dim at `dim`. */
export function unsqueeze(x: Operand, dim: number): Variable {
  return reshape(x, tensorOf(x).unsqueeze(dim).shape);
}
