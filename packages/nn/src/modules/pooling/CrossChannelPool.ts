import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../../Module.js';
import { crossChannelPool, type CrossChannelPoolOptions } from '../../functional/pooling/crossChannelPool.js';

/** (N, C, *) -> (N, Co, *), Co = floor((C - k) / s) + 1: max or mean over windows of adjacent channels. */
export class CrossChannelPool extends Module {
  static {
    declareForgetful(this);
  }

  readonly kernelSize: number;
  readonly options: Readonly<CrossChannelPoolOptions>;

  constructor(kernelSize: number, opts: CrossChannelPoolOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.options = Object.freeze({ ...opts });
  }

  forward(x: Input): Variable {
    return crossChannelPool(x, this.kernelSize, this.options);
  }

  override extraRepr(): string {
    return `kernel_size=${this.kernelSize}, stride=${this.options.stride ?? this.kernelSize}, mode=${this.options.mode ?? 'max'}`;
  }
}
