import { Tensor, kernels, type Pool3dParams } from '@tapegrad/tensor';
import { defineOp, OpContext, type Variable, type Input } from '@tapegrad/autograd';
import { expectPoolInput, resolveWindow, toPool3dParams, type Size3 } from './poolArgs.js';
import { resolveCountIncludePad, resolveDivisor } from './avgPool2d.js';

export interface AvgPool3dOptions {
  /** @default kernelSize */
  stride?: Size3 | null;
  /** Implicit zero padding on both sides, at most half the kernel. @default 0 */
  padding?: Size3;
  /** @default false */
  ceilMode?: boolean;
  /** Count the padding (not the ceil-mode overhang) in the divisor. @default true */
  countIncludePad?: boolean;
  /** Divide every window by this instead. @default null */
  divisorOverride?: number | null;
}

/** Resolved avg-pool settings handed to the 3-d kernels. @internal */
export interface Avg3dParams {
  p: Pool3dParams;
  countIncludePad: boolean;
  divisorOverride: number;
}

type Saved = { inputShape: readonly number[]; a: Avg3dParams };

/** The differentiable 3-d average pool. @internal */
export const avgPool3dOp = defineOp({
  name: 'avgPool3d',
  forward(ctx: OpContext<Saved>, x: Tensor, a: Avg3dParams): Tensor {
    ctx.save({ inputShape: x.shape, a });
    return kernels.avgPool3d(x, a.p, a.countIncludePad, a.divisorOverride);
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { inputShape, a } = ctx.saved;
    return [kernels.avgPool3dBackward(g, inputShape, a.p, a.countIncludePad, a.divisorOverride)];
  },
});

/**
 * (N, C, D, H, W) -> (N, C, Do, Ho, Wo) (or unbatched (C, D, H, W)): the mean of each window;
 * output sizes and divisor rules as avgPool2d.
 */
export function avgPool3d(x: Input, kernelSize: Size3, opts: AvgPool3dOptions = {}): Variable {
  const w = resolveWindow('avgPool3d', expectPoolInput('avgPool3d', x.shape, 3), kernelSize, { ...opts, dilation: 1 });
  return avgPool3dOp(x, {
    p: toPool3dParams(w),
    countIncludePad: resolveCountIncludePad('avgPool3d', opts.countIncludePad),
    divisorOverride: resolveDivisor('avgPool3d', opts.divisorOverride),
  });
}
