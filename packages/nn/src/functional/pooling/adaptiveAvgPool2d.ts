import { Tensor, kernels } from '@tapegrad/tensor';
import { defineOp, OpContext, type Variable, type Input } from '@tapegrad/autograd';
import { expectPoolInput, resolveOutputSize } from './poolArgs.js';

/** An adaptive output size: a number for both dims, or `[h, w]` where null keeps that input size. */
export type AdaptiveSize2 = number | null | readonly [number | null, number | null];

type Saved = { inputShape: readonly number[] };

/** The differentiable adaptive average pool over the last two dims (shared by the 1-d form). @internal */
export const adaptiveAvgPool2dOp = defineOp({
  name: 'adaptiveAvgPool2d',
  forward(ctx: OpContext<Saved>, x: Tensor, out: readonly [number, number]): Tensor {
    ctx.save({ inputShape: x.shape });
    return kernels.adaptiveAvgPool2d(x, out[0], out[1]);
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    return [kernels.adaptiveAvgPool2dBackward(g, ctx.saved.inputShape)];
  },
});

/**
 * (N, C, H, W) -> (N, C, Ho, Wo) (or (C, H, W) -> (C, Ho, Wo)) with (Ho, Wo) = outputSize: output
 * bin i of an axis of length L averages [floor(i*L/Lo), ceil((i+1)*L/Lo)). Bins may be uneven and
 * overlap; Lo > L is allowed; a null entry keeps that input size.
 */
export function adaptiveAvgPool2d(x: Input, outputSize: AdaptiveSize2): Variable {
  const inSpatial = expectPoolInput('adaptiveAvgPool2d', x.shape, 2);
  const [oh, ow] = resolveOutputSize('adaptiveAvgPool2d', outputSize, inSpatial) as [number, number];
  return adaptiveAvgPool2dOp(x, [oh, ow]);
}
