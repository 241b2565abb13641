import { Tensor, kernels } from '@tapegrad/tensor';
import { defineOp, OpContext, type Variable, type Input } from '@tapegrad/autograd';
import { expectPoolInput, resolveOutputSize } from './poolArgs.js';

/** An adaptive 3-d output size; null entries keep that input size. */
export type AdaptiveSize3 = number | null | readonly [number | null, number | null, number | null];

type Saved = { inputShape: readonly number[] };

const adaptiveAvgPool3dOp = defineOp({
  name: 'adaptiveAvgPool3d',
  forward(ctx: OpContext<Saved>, x: Tensor, out: readonly [number, number, number]): Tensor {
    ctx.save({ inputShape: x.shape });
    return kernels.adaptiveAvgPool3d(x, out[0], out[1], out[2]);
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    return [kernels.adaptiveAvgPool3dBackward(g, ctx.saved.inputShape)];
  },
});

/**
 * (N, C, D, H, W) -> (N, C, Do, Ho, Wo) (or unbatched (C, D, H, W)): each output bin averages
 * [floor(i*L/Lo), ceil((i+1)*L/Lo)) along every axis; null entries keep that input size.
 */
export function adaptiveAvgPool3d(x: Input, outputSize: AdaptiveSize3): Variable {
  const inSpatial = expectPoolInput('adaptiveAvgPool3d', x.shape, 3);
  const [od, oh, ow] = resolveOutputSize('adaptiveAvgPool3d', outputSize, inSpatial) as [number, number, number];
  return adaptiveAvgPool3dOp(x, [od, oh, ow]);
}
