import type { Variable, Input } from '@tapegrad/autograd';
import type { Size1 } from './poolArgs.js';
import { lpPool } from './lpPool2d.js';

export interface LPPool1dOptions {
  /** @default kernelSize */
  stride?: Size1 | null;
  /** @default false */
  ceilMode?: boolean;
}

/**
 * (N, C, L) -> (N, C, Lo) (or (C, L)): `(sum over the window of x^p)^(1/p)`, with lpPool2d's rules.
 */
export function lpPool1d(x: Input, normType: number, kernelSize: Size1, opts: LPPool1dOptions = {}): Variable {
  return lpPool('lpPool1d', x, normType, kernelSize, opts, 1);
}
