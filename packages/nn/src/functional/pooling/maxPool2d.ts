import { Tensor, kernels, type Pool2dParams } from '@tapegrad/tensor';
import { defineOp, OpContext, type Variable, type Input } from '@tapegrad/autograd';
import { expectPoolInput, resolveWindow, toPool2dParams, type Size2 } from './poolArgs.js';

// (*, H, W) -> (*, Ho, Wo), Ho = floor((H + 2pH - dH(kH-1) - 1 + (ceilMode ? sH-1 : 0)) / sH) + 1,
// minus one when ceilMode would start the last window in the right padding.

export interface MaxPool2dOptions {
  /** @default kernelSize */
  stride?: Size2 | null;
  /** Implicit -inf padding on both sides, at most half the kernel. @default 0 */
  padding?: Size2;
  /** Spacing between window elements. @default 1 */
  dilation?: Size2;
  /** Use ceil instead of floor for the output size (a last partial window). @default false */
  ceilMode?: boolean;
  /** Also return the argmax indices, flat within each H*W plane. @default false */
  returnIndices?: boolean;
}

type Saved = { indices: Tensor; inputShape: readonly number[] };

/** The differentiable max-pool over the last two dims (shared by maxPool1d). @internal */
export const maxPool2dOp = defineOp({
  name: 'maxPool2d',
  // `keepIndices` false: the caller drops the indices, so only the backward reads them
  forward(ctx: OpContext<Saved>, x: Tensor, p: Pool2dParams, keepIndices: boolean): [Tensor, Tensor] {
    const { output, indices } = kernels.maxPool2d(x, p);
    ctx.save({ indices, inputShape: x.shape });
    if (!keepIndices) ctx.freeOnRelease(indices);
    return [output, indices];
  },
  // The whole gradient of a window goes to its argmax (the first maximum on ties).
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { indices, inputShape } = ctx.saved;
    return [kernels.maxPoolBackward(g, indices, inputShape, 2)];
  },
});

/**
 * (N, C, H, W) -> (N, C, Ho, Wo) (or unbatched (C, H, W) -> (C, Ho, Wo)): the maximum of each
 * (dilated) window. Padding acts as -inf; NaN propagates; the first maximum wins ties.
 * `Ho = floor((H + 2p - d(k-1) - 1 + (ceilMode ? s-1 : 0)) / s) + 1`, minus one when ceilMode
 * would start the last window in the right padding.
 */
export function maxPool2d(x: Input, kernelSize: Size2, opts?: MaxPool2dOptions & { returnIndices?: false }): Variable;
export function maxPool2d(x: Input, kernelSize: Size2, opts: MaxPool2dOptions & { returnIndices: true }): [Variable, Tensor];
export function maxPool2d(x: Input, kernelSize: Size2, opts?: MaxPool2dOptions): Variable | [Variable, Tensor];
export function maxPool2d(x: Input, kernelSize: Size2, opts: MaxPool2dOptions = {}): Variable | [Variable, Tensor] {
  const w = resolveWindow('maxPool2d', expectPoolInput('maxPool2d', x.shape, 2), kernelSize, opts);
  const [out, indices] = maxPool2dOp(x, toPool2dParams(w), opts.returnIndices === true);
  return opts.returnIndices ? [out, indices!] : out;
}
