import type { Tensor } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module } from '../../Module.js';
import { maxUnpool1d, type MaxUnpool1dOptions } from '../../functional/pooling/maxUnpool1d.js';
import { toTuple, type Size1 } from '../../functional/pooling/poolArgs.js';
import { reprSize } from './reprSize.js';

/**
 * (N, C, L), indices -> (N, C, Lo): the inverse of `MaxPool1d.forwardWithIndices`. Takes
 * the indices through `unpool(x, indices)`; `forward(x)` alone cannot place values and throws.
 */
export class MaxUnpool1d extends Module {
  readonly kernelSize: Size1;
  readonly options: Readonly<Omit<MaxUnpool1dOptions, 'outputSize'>>;

  constructor(kernelSize: Size1, opts: Omit<MaxUnpool1dOptions, 'outputSize'> = {}) {
    super();
    toTuple('MaxUnpool1d', 'kernelSize', kernelSize, 1, 1);
    this.kernelSize = kernelSize;
    this.options = Object.freeze({ ...opts });
  }

  forward(_x: Input): Variable {
    throw new Error('MaxUnpool1d: forward(x) has no indices; expected unpool(x, indices, outputSize?)');
  }

  /** Places each value of x at its index (from max pooling); `outputSize` as F.maxUnpool1d. */
  unpool(x: Input, indices: Tensor, outputSize?: readonly number[] | null): Variable {
    return maxUnpool1d(x, indices, this.kernelSize, { ...this.options, outputSize: outputSize ?? null });
  }

  override extraRepr(): string {
    return `kernel_size=${reprSize(this.kernelSize)}, stride=${reprSize(this.options.stride ?? this.kernelSize)}, padding=${reprSize(this.options.padding ?? 0)}`;
  }
}
