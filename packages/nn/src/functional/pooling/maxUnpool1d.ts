import { Tensor, fail, formatShape, describeValue } from '@tapegrad/tensor';
import { reshape, type Variable, type Input } from '@tapegrad/autograd';
import { expectPoolInput, type Size1 } from './poolArgs.js';
import { maxUnpoolOp, unpoolOutputSize } from './maxUnpool2d.js';

export interface MaxUnpool1dOptions {
  /** @default kernelSize */
  stride?: Size1 | null;
  /** @default 0 */
  padding?: Size1;
  /** `[L]` or `[N, C, L]`, within one stride of the default size. @default (Lin - 1) * s - 2p + k */
  outputSize?: readonly number[] | null;
}

/**
 * (N, C, L), indices -> (N, C, Lo) (or (C, L)): the inverse of maxPool1d with `returnIndices`;
 * Lo = (L - 1) * s - 2p + k unless `outputSize` is given.
 */
export function maxUnpool1d(x: Input, indices: Tensor, kernelSize: Size1, opts: MaxUnpool1dOptions = {}): Variable {
  const fn = 'maxUnpool1d';
  const inSpatial = expectPoolInput(fn, x.shape, 1);
  if (!(indices instanceof Tensor)) fail(fn, `indices ${describeValue(indices)} is not a Tensor; expected the indices Tensor of maxPool1d`);
  if (indices.shape.length !== x.shape.length || indices.shape.some((d, i) => d !== x.shape[i])) {
    fail(fn, `indices shape ${formatShape(indices.shape)} differs from input shape ${formatShape(x.shape)}; expected equal shapes`);
  }
  const [lo] = unpoolOutputSize(fn, inSpatial, kernelSize, opts) as [number];
  const lead = x.shape.slice(0, -1), L = inSpatial[0]!;
  const y = maxUnpoolOp(reshape(x, [...lead, 1, L]), indices.reshape([...lead, 1, L]), { outSpatial: [1, lo], fn });
  return reshape(y, [...lead, lo]);
}
