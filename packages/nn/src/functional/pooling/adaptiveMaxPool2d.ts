import { Tensor, kernels } from '@tapegrad/tensor';
import { defineOp, OpContext, type Variable, type Input } from '@tapegrad/autograd';
import { expectPoolInput, resolveOutputSize } from './poolArgs.js';
import type { AdaptiveSize2 } from './adaptiveAvgPool2d.js';

export interface AdaptiveMaxPool2dOptions {
  /** Also return the argmax indices, flat within each H*W plane. @default false */
  returnIndices?: boolean;
}

type Saved = { indices: Tensor; inputShape: readonly number[] };

/** The differentiable adaptive max pool over the last two dims (shared by the 1-d and global forms). @internal */
export const adaptiveMaxPool2dOp = defineOp({
  name: 'adaptiveMaxPool2d',
  forward(ctx: OpContext<Saved>, x: Tensor, out: readonly [number, number]): [Tensor, Tensor] {
    const { output, indices } = kernels.adaptiveMaxPool2d(x, out[0], out[1]);
    ctx.save({ indices, inputShape: x.shape });
    return [output, indices];
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { indices, inputShape } = ctx.saved;
    return [kernels.maxPoolBackward(g, indices, inputShape, 2)];
  },
});

/**
 * (N, C, H, W) -> (N, C, Ho, Wo) (or (C, H, W) -> (C, Ho, Wo)): the maximum of each adaptive bin
 * [floor(i*L/Lo), ceil((i+1)*L/Lo)); null entries of outputSize keep the input size. Ties and NaN
 * as maxPool2d.
 */
export function adaptiveMaxPool2d(x: Input, outputSize: AdaptiveSize2, opts?: AdaptiveMaxPool2dOptions & { returnIndices?: false }): Variable;
export function adaptiveMaxPool2d(x: Input, outputSize: AdaptiveSize2, opts: AdaptiveMaxPool2dOptions & { returnIndices: true }): [Variable, Tensor];
export function adaptiveMaxPool2d(x: Input, outputSize: AdaptiveSize2, opts?: AdaptiveMaxPool2dOptions): Variable | [Variable, Tensor];
export function adaptiveMaxPool2d(x: Input, outputSize: AdaptiveSize2, opts: AdaptiveMaxPool2dOptions = {}): Variable | [Variable, Tensor] {
  const inSpatial = expectPoolInput('adaptiveMaxPool2d', x.shape, 2);
  const [oh, ow] = resolveOutputSize('adaptiveMaxPool2d', outputSize, inSpatial) as [number, number];
  const [out, indices] = adaptiveMaxPool2dOp(x, [oh, ow]);
  return opts.returnIndices ? [out, indices!] : out;
}
