import { Tensor, kernels, normalizeDim, fail } from '@tapegrad/tensor';
import { defineOp } from '../defineOp.js';
import { OpContext } from '../OpContext.js';
import type { Variable } from '../Variable.js';

type Saved = { dim: number; sizes: number[] };

// (*, n_i, *) ... -> (*, sum n_i, *); backward hands each input its slice of the gradient.
const catOp = defineOp({
  name: 'cat',
  forward(ctx: OpContext<Saved>, o: { dim: number }, ...xs: Tensor[]): Tensor {
    const out = kernels.cat(xs, o.dim);
    const dim = normalizeDim('cat', o.dim, xs[0]!.ndim);
    ctx.save({ dim, sizes: xs.map((x) => x.shape[dim]!) });
    return out;
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { dim, sizes } = ctx.saved;
    let start = 0;
    return sizes.map((n, i) => {
      const part = ctx.needsInputGrad[i] ? g.narrow(dim, start, n) : null;
      start += n;
      return part;
    });
  },
});

/** Concatenates along `dim`; the other dims must match. */
export function cat(xs: readonly (Variable | Tensor)[], dim = 0): Variable {
  if (xs.length === 0) fail('cat', 'tensors is empty; expected at least one tensor');
  return catOp({ dim }, ...xs);
}

/** Stacks equal-shaped tensors along a new dim. */
export function stack(xs: readonly (Variable | Tensor)[], dim = 0): Variable {
  if (xs.length === 0) fail('stack', 'tensors is empty; expected at least one tensor');
  const first = xs[0]!.shape;
  xs.forEach((x, i) => {
    if (x.shape.length !== first.length || x.shape.some((s, j) => s !== first[j])) {
      fail('stack', `tensor ${i} has shape [${x.shape.join(', ')}], unlike tensor 0's [${first.join(', ')}]; expected equal shapes`);
    }
  });
  const r = first.length;
  if (!Number.isInteger(dim) || dim < -r - 1 || dim > r) fail('stack', `dim ${dim} is out of range for tensors of rank ${r}; expected an integer in [${-r - 1}, ${r}]`);
  const d = dim < 0 ? dim + r + 1 : dim;
  const shape = [...first.slice(0, d), 1, ...first.slice(d)];
  return catOp({ dim: d }, ...xs.map((x) => (x instanceof Tensor ? x.reshape(shape) : x.reshape(shape))));
}
