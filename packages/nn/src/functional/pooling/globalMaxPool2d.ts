import { reshape, type Variable, type Input } from '@tapegrad/autograd';
import { expectPoolInput } from './poolArgs.js';
import { adaptiveMaxPool2dOp } from './adaptiveMaxPool2d.js';
import { resolveKeepDim, type GlobalPool2dOptions } from './globalAvgPool2d.js';

/**
 * (N, C, H, W) -> (N, C), or (N, C, 1, 1) with `keepDim` (unbatched (C, H, W) -> (C) or (C, 1, 1)):
 * the maximum of each H*W plane, as `adaptiveMaxPool2d(x, 1)`: NaN propagates and on ties the
 * first maximum takes the whole gradient (unlike `amax`, which splits it).
 */
export function globalMaxPool2d(x: Input, opts: GlobalPool2dOptions = {}): Variable {
  expectPoolInput('globalMaxPool2d', x.shape, 2);
  const keepDim = resolveKeepDim('globalMaxPool2d', opts.keepDim);
  const [y] = adaptiveMaxPool2dOp(x, [1, 1]);
  return keepDim ? y : reshape(y, y.shape.slice(0, -2));
}
