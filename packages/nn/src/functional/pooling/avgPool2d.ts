import { Tensor, kernels, fail, isInt, type Pool2dParams } from '@tapegrad/tensor';
import { defineOp, OpContext, type Variable, type Input } from '@tapegrad/autograd';
import { expectPoolInput, resolveWindow, toPool2dParams, type Size2 } from './poolArgs.js';

export interface AvgPool2dOptions {
  /** @default kernelSize */
  stride?: Size2 | null;
  /** Implicit zero padding on both sides, at most half the kernel. @default 0 */
  padding?: Size2;
  /** Use ceil instead of floor for the output size. @default false */
  ceilMode?: boolean;
  /** Count the padding (not the ceil-mode overhang) in the divisor. @default true */
  countIncludePad?: boolean;
  /** Divide every window by this instead. @default null */
  divisorOverride?: number | null;
}

/** Resolved avg-pool settings handed to the kernels; `divisorOverride` 0 means none. @internal */
export interface AvgParams {
  p: Pool2dParams;
  countIncludePad: boolean;
  divisorOverride: number;
}

type Saved = { inputShape: readonly number[]; a: AvgParams };

/** The differentiable average pool over the last two dims (shared by avgPool1d and lpPool). @internal */
export const avgPool2dOp = defineOp({
  name: 'avgPool2d',
  forward(ctx: OpContext<Saved>, x: Tensor, a: AvgParams): Tensor {
    ctx.save({ inputShape: x.shape, a });
    return kernels.avgPool2d(x, a.p, a.countIncludePad, a.divisorOverride);
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { inputShape, a } = ctx.saved;
    return [kernels.avgPool2dBackward(g, inputShape, a.p, a.countIncludePad, a.divisorOverride)];
  },
});

/**
 * Checks divisorOverride: null/undefined for none, else a positive integer.
 * NOTE: PyTorch refuses only 0 and would divide by a negative override; we refuse negatives too.
 */
export function resolveDivisor(fn: string, v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (!isInt(v) || v < 1) fail(fn, `divisorOverride ${String(v)} is not a positive integer; expected an integer >= 1 or null`);
  return v;
}

/** Checks the boolean flag countIncludePad. */
export function resolveCountIncludePad(fn: string, v: unknown): boolean {
  if (v === undefined) return true;
  if (typeof v !== 'boolean') fail(fn, `countIncludePad ${String(v)} is not a boolean; expected true or false`);
  return v;
}

/**
 * (N, C, H, W) -> (N, C, Ho, Wo) (or (C, H, W) -> (C, Ho, Wo)): the mean of each window.
 * Output size as maxPool2d with dilation 1. Divisor: `divisorOverride` if given, else the window
 * clipped to the padded input when `countIncludePad` (the ceil-mode overhang never counts), else
 * the number of input elements in the window.
 */
export function avgPool2d(x: Input, kernelSize: Size2, opts: AvgPool2dOptions = {}): Variable {
  const w = resolveWindow('avgPool2d', expectPoolInput('avgPool2d', x.shape, 2), kernelSize, { ...opts, dilation: 1 });
  return avgPool2dOp(x, {
    p: toPool2dParams(w),
    countIncludePad: resolveCountIncludePad('avgPool2d', opts.countIncludePad),
    divisorOverride: resolveDivisor('avgPool2d', opts.divisorOverride),
  });
}
