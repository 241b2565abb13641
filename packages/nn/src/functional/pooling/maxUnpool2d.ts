import { Tensor, kernels, fail, formatShape, isInt, describeValue } from '@tapegrad/tensor';
import { defineOp, OpContext, type Variable, type Input } from '@tapegrad/autograd';
import { expectPoolInput, toTuple, type Size2 } from './poolArgs.js';

export interface MaxUnpool2dOptions {
  /** @default kernelSize */
  stride?: Size2 | null;
  /** @default 0 */
  padding?: Size2;
  /** `[H, W]` or `[N, C, H, W]`, within one stride of the default size. @default (Hin - 1) * s - 2p + k */
  outputSize?: readonly number[] | null;
}

type Saved = { indices: Tensor; spatial: number };

/** The differentiable scatter of max unpooling over the last `spatial` dims. @internal */
export const maxUnpoolOp = defineOp({
  name: 'maxUnpool',
  forward(ctx: OpContext<Saved>, x: Tensor, indices: Tensor, o: { outSpatial: number[]; fn: string }): Tensor {
    ctx.save({ indices, spatial: o.outSpatial.length });
    return kernels.maxUnpool(x, indices, o.outSpatial, o.fn);
  },
  // Each input element came from one output position: its gradient is gathered from there.
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { indices, spatial } = ctx.saved;
    return [kernels.maxUnpoolBackward(g, indices, spatial), null];
  },
});

/**
 * PyTorch's _unpool_output_size: the default (L - 1) * s - 2p + k per dim, or `outputSize`
 * (its last n entries) when it lies strictly within one stride of that default. @internal
 */
export function unpoolOutputSize(fn: string, inSpatial: readonly number[], kernelSize: unknown, o: MaxUnpool2dOptions | { stride?: unknown; padding?: unknown; outputSize?: readonly number[] | null }): number[] {
  const n = inSpatial.length;
  const k = toTuple(fn, 'kernelSize', kernelSize, n, 1);
  const s = o.stride === undefined || o.stride === null ? k : toTuple(fn, 'stride', o.stride, n, 1);
  const p = toTuple(fn, 'padding', o.padding ?? 0, n, 0);
  const def = inSpatial.map((L, i) => (L - 1) * s[i]! - 2 * p[i]! + k[i]!);
  if (o.outputSize === undefined || o.outputSize === null) {
    if (def.some((d) => d < 1)) fail(fn, `padding ${p.join('x')} leaves output size ${def.join('x')}; expected an output size >= 1`);
    return def;
  }
  const given = o.outputSize;
  if (!Array.isArray(given) || (given.length !== n && given.length !== n + 2) || !given.every((v) => isInt(v))) {
    fail(fn, `outputSize ${JSON.stringify(given)} is not ${n} or ${n + 2} integers; expected e.g. [${def.join(', ')}]`);
  }
  const out = given.slice(given.length - n);
  out.forEach((v, i) => {
    const lo = def[i]! - s[i]!, hi = def[i]! + s[i]!;
    if (!(v > lo && v < hi)) fail(fn, `outputSize [${given.join(', ')}] has size ${v} in dim ${i}, outside (${lo}, ${hi}); expected a size strictly between ${lo} and ${hi}`);
  });
  return out;
}

/**
 * (N, C, H, W), indices -> (N, C, Ho, Wo) (or unbatched (C, H, W)): the inverse of maxPool2d with
 * `returnIndices`: each value goes to its flat index in the output plane, zeros elsewhere
 * (a later value wins on repeated indices). Ho = (H - 1) * s - 2p + k unless `outputSize` is given.
 */
export function maxUnpool2d(x: Input, indices: Tensor, kernelSize: Size2, opts: MaxUnpool2dOptions = {}): Variable {
  const fn = 'maxUnpool2d';
  const inSpatial = expectPoolInput(fn, x.shape, 2);
  if (!(indices instanceof Tensor)) fail(fn, `indices ${describeValue(indices)} is not a Tensor; expected the indices Tensor of maxPool2d`);
  if (indices.shape.length !== x.shape.length || indices.shape.some((d, i) => d !== x.shape[i])) {
    fail(fn, `indices shape ${formatShape(indices.shape)} differs from input shape ${formatShape(x.shape)}; expected equal shapes`);
  }
  return maxUnpoolOp(x, indices, { outSpatial: unpoolOutputSize(fn, inSpatial, kernelSize, opts), fn });
}
