import { fail } from '@tapegrad/tensor';
import { sum, mean, type Variable } from '@tapegrad/autograd';
import type { Reduction } from './crossEntropy.js';

export type { Reduction };

/** Validates a reduction name (default 'mean'). */
export function checkReduction(fn: string, r: unknown): Reduction {
  const v = r ?? 'mean';
  if (v !== 'mean' && v !== 'sum' && v !== 'none') fail(fn, `reduction '${String(v)}' is not supported; expected 'mean', 'sum' or 'none'`);
  return v;
}

/** Applies an elementwise loss's reduction: mean or sum over every element, or the loss as is. */
export function reduce(loss: Variable, reduction: Reduction): Variable {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? sum(loss) : mean(loss);
}
