import type { Tensor } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../../Module.js';
import { maxPool1d, type MaxPool1dOptions } from '../../functional/pooling/maxPool1d.js';
import { checkWindow, type Size1 } from '../../functional/pooling/poolArgs.js';
import { reprBool, reprSize } from './reprSize.js';

/** (N, C, L) -> (N, C, Lo): max pooling, see `F.maxPool1d`. */
export class MaxPool1d extends Module {
  static {
    declareForgetful(this);
  }

  readonly kernelSize: Size1;
  readonly options: Readonly<Omit<MaxPool1dOptions, 'returnIndices'>>;

  constructor(kernelSize: Size1, opts: Omit<MaxPool1dOptions, 'returnIndices'> = {}) {
    super();
    checkWindow('MaxPool1d', 1, kernelSize, opts);
    this.kernelSize = kernelSize;
    this.options = Object.freeze({ ...opts });
  }

  forward(x: Input): Variable {
    return maxPool1d(x, this.kernelSize, this.options);
  }

  /** (N, C, L) -> [(N, C, Lo), indices along L]. */
  forwardWithIndices(x: Input): [Variable, Tensor] {
    return maxPool1d(x, this.kernelSize, { ...this.options, returnIndices: true });
  }

  override extraRepr(): string {
    const o = this.options;
    return `kernel_size=${reprSize(this.kernelSize)}, stride=${reprSize(o.stride ?? this.kernelSize)}, padding=${reprSize(o.padding ?? 0)}, ` +
      `dilation=${reprSize(o.dilation ?? 1)}, ceil_mode=${reprBool(o.ceilMode ?? false)}`;
  }
}
