import { reshape, type Variable, type Input } from '@tapegrad/autograd';
import { expectPoolInput, resolveWindow, toPool2dParams, type Size1 } from './poolArgs.js';
import { avgPool2dOp, resolveCountIncludePad } from './avgPool2d.js';

export interface AvgPool1dOptions {
  /** @default kernelSize */
  stride?: Size1 | null;
  /** Implicit zero padding on both sides, at most half the kernel. @default 0 */
  padding?: Size1;
  /** @default false */
  ceilMode?: boolean;
  /** Count the padding (not the ceil-mode overhang) in the divisor. @default true */
  countIncludePad?: boolean;
}

/**
 * (N, C, L) -> (N, C, Lo) (or (C, L) -> (C, Lo)): the mean of each window, output size and
 * divisor as avgPool2d (PyTorch has no divisorOverride for 1-d either).
 */
export function avgPool1d(x: Input, kernelSize: Size1, opts: AvgPool1dOptions = {}): Variable {
  const w = resolveWindow('avgPool1d', expectPoolInput('avgPool1d', x.shape, 1), kernelSize, { ...opts, dilation: 1 });
  const countIncludePad = resolveCountIncludePad('avgPool1d', opts.countIncludePad);
  const lead = x.shape.slice(0, -1);
  const y = avgPool2dOp(reshape(x, [...lead, 1, x.shape[x.shape.length - 1]!]), { p: toPool2dParams(w), countIncludePad, divisorOverride: 0 });
  return reshape(y, [...lead, w.out[0]!]);
}
