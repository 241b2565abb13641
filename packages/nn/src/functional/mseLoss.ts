import { fail, formatShape, shapesEqual } from '@tapegrad/tensor';
import { sub, mul, type Variable, type Input } from '@tapegrad/autograd';
import { checkReduction, reduce, type Reduction } from './reduction.js';

export interface MseLossOptions {
  /** @default 'mean' */
  reduction?: Reduction;
}

/** input (*), target (*) -> () for 'mean'/'sum', (*) for 'none': (input - target)^2; both may require grad. */
export function mseLoss(input: Input, target: Input, opts: MseLossOptions = {}): Variable {
  const reduction = checkReduction('mseLoss', opts.reduction);
  // NOTE: PyTorch broadcasts mismatched shapes with a warning; tapegrad refuses them, as they are almost always a bug.
  if (!shapesEqual(input.shape, target.shape)) {
    fail('mseLoss', `target shape ${formatShape(target.shape)} does not match input ${formatShape(input.shape)}; expected the same shape`);
  }
  const d = sub(input, target);
  return reduce(mul(d, d), reduction);
}
