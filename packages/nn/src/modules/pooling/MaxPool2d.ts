import type { Tensor } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../../Module.js';
import { maxPool2d, type MaxPool2dOptions } from '../../functional/pooling/maxPool2d.js';
import { checkWindow, type Size2 } from '../../functional/pooling/poolArgs.js';
import { reprBool, reprSize } from './reprSize.js';

/**
 * (N, C, H, W) -> (N, C, Ho, Wo): max pooling, see `F.maxPool2d` for the output size.
 * `forwardWithIndices` also returns the argmax indices (for `MaxUnpool2d`).
 */
export class MaxPool2d extends Module {
  static {
    declareForgetful(this);
  }

  readonly kernelSize: Size2;
  readonly options: Readonly<Omit<MaxPool2dOptions, 'returnIndices'>>;

  constructor(kernelSize: Size2, opts: Omit<MaxPool2dOptions, 'returnIndices'> = {}) {
    super();
    this.kernelSize = kernelSize;
    this.options = Object.freeze({ ...opts });
    checkWindow('MaxPool2d', 2, kernelSize, opts);
  }

  forward(x: Input): Variable {
    return maxPool2d(x, this.kernelSize, this.options);
  }

  /** (N, C, H, W) -> [(N, C, Ho, Wo), indices flat within each H*W plane]. */
  forwardWithIndices(x: Input): [Variable, Tensor] {
    return maxPool2d(x, this.kernelSize, { ...this.options, returnIndices: true });
  }

  override extraRepr(): string {
    const o = this.options;
    return `kernel_size=${reprSize(this.kernelSize)}, stride=${reprSize(o.stride ?? this.kernelSize)}, padding=${reprSize(o.padding ?? 0)}, ` +
      `dilation=${reprSize(o.dilation ?? 1)}, ceil_mode=${reprBool(o.ceilMode ?? false)}`;
  }
}

