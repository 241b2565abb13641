import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../../Module.js';
import { lpPool1d, type LPPool1dOptions } from '../../functional/pooling/lpPool1d.js';
import { resolveNormType } from '../../functional/pooling/lpPool2d.js';
import { checkWindow, type Size1 } from '../../functional/pooling/poolArgs.js';
import { reprBool, reprSize } from './reprSize.js';

/** (N, C, L) -> (N, C, Lo): power-average pooling `(sum x^p)^(1/p)`, see `F.lpPool1d`. */
export class LPPool1d extends Module {
  static {
    declareForgetful(this);
  }

  readonly normType: number;
  readonly kernelSize: Size1;
  readonly options: Readonly<LPPool1dOptions>;

  constructor(normType: number, kernelSize: Size1, opts: LPPool1dOptions = {}) {
    super();
    this.normType = resolveNormType('LPPool1d', normType);
    checkWindow('LPPool1d', 1, kernelSize, opts);
    this.kernelSize = kernelSize;
    this.options = Object.freeze({ ...opts });
  }

  forward(x: Input): Variable {
    return lpPool1d(x, this.normType, this.kernelSize, this.options);
  }

  override extraRepr(): string {
    return `norm_type=${this.normType}, kernel_size=${reprSize(this.kernelSize)}, stride=${reprSize(this.options.stride ?? null)}, ceil_mode=${reprBool(this.options.ceilMode ?? false)}`;
  }
}
