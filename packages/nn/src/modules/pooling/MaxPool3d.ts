import type { Tensor } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../../Module.js';
import { maxPool3d, type MaxPool3dOptions } from '../../functional/pooling/maxPool3d.js';
import { checkWindow, type Size3 } from '../../functional/pooling/poolArgs.js';
import { reprBool, reprSize } from './reprSize.js';

/** (N, C, D, H, W) -> (N, C, Do, Ho, Wo): max pooling, see `F.maxPool3d`. */
export class MaxPool3d extends Module {
  static {
    declareForgetful(this);
  }

  readonly kernelSize: Size3;
  readonly options: Readonly<Omit<MaxPool3dOptions, 'returnIndices'>>;

  constructor(kernelSize: Size3, opts: Omit<MaxPool3dOptions, 'returnIndices'> = {}) {
    super();
    checkWindow('MaxPool3d', 3, kernelSize, opts);
    this.kernelSize = kernelSize;
    this.options = Object.freeze({ ...opts });
  }

  forward(x: Input): Variable {
    return maxPool3d(x, this.kernelSize, this.options);
  }

  /** (N, C, D, H, W) -> [(N, C, Do, Ho, Wo), indices flat within each D*H*W volume]. */
  forwardWithIndices(x: Input): [Variable, Tensor] {
    return maxPool3d(x, this.kernelSize, { ...this.options, returnIndices: true });
  }

  override extraRepr(): string {
    const o = this.options;
    return `kernel_size=${reprSize(this.kernelSize)}, stride=${reprSize(o.stride ?? this.kernelSize)}, padding=${reprSize(o.padding ?? 0)}, ` +
      `dilation=${reprSize(o.dilation ?? 1)}, ceil_mode=${reprBool(o.ceilMode ?? false)}`;
  }
}
