import { Tensor, kernels, zeros, normalizeDim, isInt, fail } from '@tapegrad/tensor';
import { defineOp } from '../defineOp.js';
import { OpContext } from '../OpContext.js';
import type { Variable } from '../Variable.js';
import { lift, type Operand } from './operand.js';

type Opts = { dim: number; start: number; length: number };
type Saved = Opts & { inShape: readonly number[] };

// (*, n, *) -> (*, length, *): a view; backward scatters into zeros.
const narrowOp = defineOp({
  name: 'narrow',
  forward(ctx: OpContext<Saved>, x: Tensor, o: Opts): Tensor {
    const out = x.narrow(o.dim, o.start, o.length);
    ctx.save({ ...o, dim: o.dim < 0 ? o.dim + x.ndim : o.dim, inShape: x.shape });
    return out;
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { inShape, dim, start, length } = ctx.saved;
    const out = zeros(inShape);
    kernels.copyInto(out.narrow(dim, start, length), g);
    return [out];
  },
});

/** (*, n, *) -> (*, length, *): elements start..start+length-1 along `dim`. */
export function narrow(x: Operand, dim: number, start: number, length: number): Variable {
  return narrowOp(lift(x), { dim, start, length });
}

/** Python-style slice along `dim`: [start, end) with negative indices from the end, clipped. */
export function slice(x: Operand, dim: number, start = 0, end?: number): Variable {
  const v = lift(x);
  const t = v instanceof Tensor ? v : v.data;
  const d = normalizeDim('slice', dim, t.ndim);
  if (!isInt(start)) fail('slice', `start ${String(start)} is not an integer; expected an integer index`);
  if (end !== undefined && !isInt(end)) fail('slice', `end ${String(end)} is not an integer; expected an integer index`);
  const n = t.shape[d] ?? 1;
  const clip = (i: number) => Math.min(n, Math.max(0, i < 0 ? i + n : i));
  const s = clip(start), e = clip(end ?? n);
  return narrowOp(v, { dim, start: s, length: Math.max(0, e - s) });
}
