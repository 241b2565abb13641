import { fail } from '@tapegrad/tensor';
import { amax, mean, norm, type Variable, type Input } from '@tapegrad/autograd';
import { expectPoolInput } from './poolArgs.js';

/** How channelwisePool summarises a plane: max, average, L2 norm, or a general p-norm. */
export type ChannelwiseMode = 'max' | 'avg' | 'l2' | { readonly p: number };

/**
 * (N, C, H, W) -> (N, C, 1, 1) (or (C, H, W) -> (C, 1, 1)): one summary per channel plane:
 * 'max' (amax: tied maxima share the gradient), 'avg' (mean), 'l2' (norm 2) or `{ p }`
 * ((sum |x|^p)^(1/p), p > 0; Infinity is max |x|), built on the core reductions.
 */
export function channelwisePool(x: Input, mode: ChannelwiseMode): Variable {
  expectPoolInput('channelwisePool', x.shape, 2);
  const dims = [-2, -1];
  if (mode === 'max') return amax(x, dims, true);
  if (mode === 'avg') return mean(x, dims, true);
  if (mode === 'l2') return norm(x, 2, dims, true);
  if (typeof mode === 'object' && mode !== null && typeof mode.p === 'number' && mode.p > 0) return norm(x, mode.p, dims, true);
  return fail('channelwisePool', `mode ${JSON.stringify(mode)} is not a pooling mode; expected 'max', 'avg', 'l2' or { p } with p > 0`);
}
