import { Tensor } from '@tapegrad/tensor';
import { defineOp } from '../defineOp.js';
import { OpContext } from '../OpContext.js';
import type { Variable } from '../Variable.js';
import { lift, type Operand } from './operand.js';

type Saved = { inverse: number[] };

// (d0, d1, ...) -> (d[p0], d[p1], ...): a view; backward permutes by the inverse.
const permuteOp = defineOp({
  name: 'permute',
  forward(ctx: OpContext<Saved>, x: Tensor, dims: readonly number[]): Tensor {
    const out = x.permute(dims);
    const nd = dims.map((d) => (d < 0 ? d + x.ndim : d));
    const inverse = new Array<number>(nd.length);
    nd.forEach((d, i) => { inverse[d] = i; });
    ctx.save({ inverse });
    return out;
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    return [g.permute(ctx.saved.inverse)];
  },
});

/** (d0, d1, ...) -> (d[dims[0]], d[dims[1]], ...) */
export function permute(x: Operand, dims: readonly number[]): Variable {
  return permuteOp(lift(x), dims);
}

/** Swaps dims a and b. */
export function transpose(x: Operand, a: number, b: number): Variable {
  const v = lift(x);
  const t = v instanceof Tensor ? v : v.data;
  const perm = t.shape.map((_, i) => i);
  const r = Math.max(t.ndim, 1);
  const da = a < 0 ? a + r : a, db = b < 0 ? b + r : b;
  t.transpose(a, b); // validates a and b
  if (t.ndim === 0) return permuteOp(v, []);
  perm[da] = db;
  perm[db] = da;
  return permuteOp(v, perm);
}
