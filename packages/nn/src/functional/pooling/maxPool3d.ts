import { Tensor, kernels, type Pool3dParams } from '@tapegrad/tensor';
import { defineOp, OpContext, type Variable, type Input } from '@tapegrad/autograd';
import { expectPoolInput, resolveWindow, toPool3dParams, type Size3 } from './poolArgs.js';

export interface MaxPool3dOptions {
  /** @default kernelSize */
  stride?: Size3 | null;
  /** Implicit -inf padding on both sides, at most half the kernel. @default 0 */
  padding?: Size3;
  /** @default 1 */
  dilation?: Size3;
  /** @default false */
  ceilMode?: boolean;
  /** Also return the argmax indices, flat within each D*H*W volume. @default false */
  returnIndices?: boolean;
}

type Saved = { indices: Tensor; inputShape: readonly number[] };

/** The differentiable max-pool over the last three dims (shared by crossChannelPool). @internal */
export const maxPool3dOp = defineOp({
  name: 'maxPool3d',
  forward(ctx: OpContext<Saved>, x: Tensor, p: Pool3dParams): [Tensor, Tensor] {
    const { output, indices } = kernels.maxPool3d(x, p);
    ctx.save({ indices, inputShape: x.shape });
    return [output, indices];
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { indices, inputShape } = ctx.saved;
    return [kernels.maxPoolBackward(g, indices, inputShape, 3)];
  },
});

/**
 * (N, C, D, H, W) -> (N, C, Do, Ho, Wo) (or unbatched (C, D, H, W)): the maximum of each (dilated)
 * window; each output size as maxPool2d's. Indices are flat within each D*H*W volume.
 */
export function maxPool3d(x: Input, kernelSize: Size3, opts?: MaxPool3dOptions & { returnIndices?: false }): Variable;
export function maxPool3d(x: Input, kernelSize: Size3, opts: MaxPool3dOptions & { returnIndices: true }): [Variable, Tensor];
export function maxPool3d(x: Input, kernelSize: Size3, opts?: MaxPool3dOptions): Variable | [Variable, Tensor];
export function maxPool3d(x: Input, kernelSize: Size3, opts: MaxPool3dOptions = {}): Variable | [Variable, Tensor] {
  const w = resolveWindow('maxPool3d', expectPoolInput('maxPool3d', x.shape, 3), kernelSize, opts);
  const [out, indices] = maxPool3dOp(x, toPool3dParams(w));
  return opts.returnIndices ? [out, indices!] : out;
}
