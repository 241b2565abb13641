import type { Tensor } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module } from '../../Module.js';
import { maxUnpool2d, type MaxUnpool2dOptions } from '../../functional/pooling/maxUnpool2d.js';
import { toTuple, type Size2 } from '../../functional/pooling/poolArgs.js';
import { reprSize } from './reprSize.js';

/**
 * (N, C, H, W), indices -> (N, C, Ho, Wo): the inverse of `MaxPool2d.forwardWithIndices`. Takes
 * the indices through `unpool(x, indices)`; `forward(x)` alone cannot place values and throws.
 */
export class MaxUnpool2d extends Module {
  readonly kernelSize: Size2;
  readonly options: Readonly<Omit<MaxUnpool2dOptions, 'outputSize'>>;

  constructor(kernelSize: Size2, opts: Omit<MaxUnpool2dOptions, 'outputSize'> = {}) {
    super();
    toTuple('MaxUnpool2d', 'kernelSize', kernelSize, 2, 1);
    this.kernelSize = kernelSize;
    this.options = Object.freeze({ ...opts });
  }

  forward(_x: Input): Variable {
    throw new Error('MaxUnpool2d: forward(x) has no indices; expected unpool(x, indices, outputSize?)');
  }

  /** Places each value of x at its index (from max pooling); `outputSize` as F.maxUnpool2d. */
  unpool(x: Input, indices: Tensor, outputSize?: readonly number[] | null): Variable {
    return maxUnpool2d(x, indices, this.kernelSize, { ...this.options, outputSize: outputSize ?? null });
  }

  override extraRepr(): string {
    return `kernel_size=${reprSize(this.kernelSize)}, stride=${reprSize(this.options.stride ?? this.kernelSize)}, padding=${reprSize(this.options.padding ?? 0)}`;
  }
}
