import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../../Module.js';
import { avgPool1d, type AvgPool1dOptions } from '../../functional/pooling/avgPool1d.js';
import { resolveCountIncludePad } from '../../functional/pooling/avgPool2d.js';
import { checkWindow, type Size1 } from '../../functional/pooling/poolArgs.js';
import { reprSize } from './reprSize.js';

/** (N, C, L) -> (N, C, Lo): average pooling, see `F.avgPool1d`. */
export class AvgPool1d extends Module {
  static {
    declareForgetful(this);
  }

  readonly kernelSize: Size1;
  readonly options: Readonly<AvgPool1dOptions>;

  constructor(kernelSize: Size1, opts: AvgPool1dOptions = {}) {
    super();
    checkWindow('AvgPool1d', 1, kernelSize, { ...opts, dilation: 1 });
    resolveCountIncludePad('AvgPool1d', opts.countIncludePad);
    this.kernelSize = kernelSize;
    this.options = Object.freeze({ ...opts });
  }

  forward(x: Input): Variable {
    return avgPool1d(x, this.kernelSize, this.options);
  }

  override extraRepr(): string {
    const o = this.options;
    return `kernel_size=${reprSize(this.kernelSize)}, stride=${reprSize(o.stride ?? this.kernelSize)}, padding=${reprSize(o.padding ?? 0)}`;
  }
}
