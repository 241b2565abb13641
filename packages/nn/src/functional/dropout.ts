import { defaultGenerator, fail, formatShape, kernels, type Generator, type Tensor } from '@tapegrad/tensor';
import { mul, asVariable, freeAlong, type Variable, type Input } from '@tapegrad/autograd';

export interface DropoutOptions {
  /** Apply dropout (false: identity). @default true (as PyTorch's functional form) */
  training?: boolean;
  /** Source of the random mask. @default the global generator */
  generator?: Generator;
}

/** Checks that p is a probability, as PyTorch refuses anything outside [0, 1]. */
export function expectProbability(fn: string, p: unknown): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) fail(fn, `p ${String(p)} is out of range; expected a probability in [0, 1]`);
  return p;
}

/** A mask of `shape`: each entry 0 with probability p, else 1 / (1 - p) (all 0 when p = 1). */
function dropoutMask(shape: readonly number[], p: number, g: Generator): Tensor {
  return kernels.fillMask(shape, p, p === 1 ? 0 : 1 / (1 - p), g);
}

const MASK_FREED = 'dropout: this mask was internal to the op and freed once its backward no longer needed it';

/**
 * x * mask. The mask is the op's own (no one else holds it): its buffer is freed for the next
 * tensors of its size once the product's backward has read it, or at once when nothing is recorded.
 */
function applyMask(x: Input, mask: Tensor): Variable {
  const y = mul(x, mask);
  freeAlong(y, mask, MASK_FREED);
  return y;
}

/**
 * (*) -> (*): zeroes each element with probability p and scales the rest by 1 / (1 - p)
 * (inverted dropout), so eval needs no rescaling.
 */
export function dropout(x: Input, p = 0.5, opts: DropoutOptions = {}): Variable {
  expectProbability('dropout', p);
  if (opts.training === false || p === 0) return asVariable(x);
  return applyMask(x, dropoutMask(x.shape, p, opts.generator ?? defaultGenerator));
}

/**
 * (N, C, H, W) or (C, H, W) -> same: zeroes whole channels with probability p, scaling the rest
 * by 1 / (1 - p).
 * NOTE: PyTorch 1.13 reads a 3-d input as (N, C, L) (with a deprecation warning announcing the
 * unbatched reading); tapegrad already reads it as unbatched (C, H, W), as its other 2-d ops do.
 */
export function dropout2d(x: Input, p = 0.5, opts: DropoutOptions = {}): Variable {
  expectProbability('dropout2d', p);
  const s = x.shape;
  if (s.length !== 3 && s.length !== 4) fail('dropout2d', `input shape ${formatShape(s)} has rank ${s.length}; expected (N, C, H, W) or (C, H, W)`);
  if (opts.training === false || p === 0) return asVariable(x);
  const maskShape = s.length === 4 ? [s[0]!, s[1]!, 1, 1] : [s[0]!, 1, 1];
  return applyMask(x, dropoutMask(maskShape, p, opts.generator ?? defaultGenerator));
}
