import { Tensor, kernels, fail } from '@tapegrad/tensor';
import { defineOp, OpContext, reshape, type Variable, type Input } from '@tapegrad/autograd';
import { expectPoolInput } from './poolArgs.js';

export interface GlobalPool2dOptions {
  /** Keep the pooled dims as size 1: `(N, C, 1, 1)` instead of `(N, C)`. @default false */
  keepDim?: boolean;
}

type Saved = { inputShape: readonly number[] };

// A dedicated kernel: one pass per plane, no window bookkeeping.
const globalAvgPool2dOp = defineOp({
  name: 'globalAvgPool2d',
  forward(ctx: OpContext<Saved>, x: Tensor): Tensor {
    ctx.save({ inputShape: x.shape });
    return kernels.globalAvgPool2d(x);
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    return [kernels.globalAvgPool2dBackward(g, ctx.saved.inputShape)];
  },
});

/** Checks the keepDim flag. */
export function resolveKeepDim(fn: string, v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') fail(fn, `keepDim ${String(v)} is not a boolean; expected true or false`);
  return v;
}

/**
 * (N, C, H, W) -> (N, C), or (N, C, 1, 1) with `keepDim` (unbatched (C, H, W) -> (C) or (C, 1, 1)):
 * the mean of each H*W plane. The same numbers as `avgPool2d(x, [H, W])`, `adaptiveAvgPool2d(x, 1)`
 * and `mean([2, 3])`, through its own single-pass kernel.
 */
export function globalAvgPool2d(x: Input, opts: GlobalPool2dOptions = {}): Variable {
  expectPoolInput('globalAvgPool2d', x.shape, 2);
  const keepDim = resolveKeepDim('globalAvgPool2d', opts.keepDim);
  const y = globalAvgPool2dOp(x);
  return keepDim ? reshape(y, [...y.shape, 1, 1]) : y;
}
