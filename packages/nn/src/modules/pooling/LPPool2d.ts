import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../../Module.js';
import { lpPool2d, resolveNormType, type LPPool2dOptions } from '../../functional/pooling/lpPool2d.js';
import { checkWindow, type Size2 } from '../../functional/pooling/poolArgs.js';
import { reprBool, reprSize } from './reprSize.js';

/** (N, C, H, W) -> (N, C, Ho, Wo): power-average pooling `(sum x^p)^(1/p)`, see `F.lpPool2d`. */
export class LPPool2d extends Module {
  static {
    declareForgetful(this);
  }

  readonly normType: number;
  readonly kernelSize: Size2;
  readonly options: Readonly<LPPool2dOptions>;

  constructor(normType: number, kernelSize: Size2, opts: LPPool2dOptions = {}) {
    super();
    this.normType = resolveNormType('LPPool2d', normType);
    checkWindow('LPPool2d', 2, kernelSize, opts);
    this.kernelSize = kernelSize;
    this.options = Object.freeze({ ...opts });
  }

  forward(x: Input): Variable {
    return lpPool2d(x, this.normType, this.kernelSize, this.options);
  }

  override extraRepr(): string {
    return `norm_type=${this.normType}, kernel_size=${reprSize(this.kernelSize)}, stride=${reprSize(this.options.stride ?? null)}, ceil_mode=${reprBool(this.options.ceilMode ?? false)}`;
  }
}
