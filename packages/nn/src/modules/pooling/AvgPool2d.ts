import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../../Module.js';
import { avgPool2d, resolveCountIncludePad, resolveDivisor, type AvgPool2dOptions } from '../../functional/pooling/avgPool2d.js';
import { checkWindow, type Size2 } from '../../functional/pooling/poolArgs.js';
import { reprSize } from './reprSize.js';

/** (N, C, H, W) -> (N, C, Ho, Wo): average pooling, see `F.avgPool2d` for the output size and divisor. */
export class AvgPool2d extends Module {
  static {
    declareForgetful(this);
  }

  readonly kernelSize: Size2;
  readonly options: Readonly<AvgPool2dOptions>;

  constructor(kernelSize: Size2, opts: AvgPool2dOptions = {}) {
    super();
    checkWindow('AvgPool2d', 2, kernelSize, { ...opts, dilation: 1 });
    resolveCountIncludePad('AvgPool2d', opts.countIncludePad);
    resolveDivisor('AvgPool2d', opts.divisorOverride);
    this.kernelSize = kernelSize;
    this.options = Object.freeze({ ...opts });
  }

  forward(x: Input): Variable {
    return avgPool2d(x, this.kernelSize, this.options);
  }

  override extraRepr(): string {
    const o = this.options;
    return `kernel_size=${reprSize(this.kernelSize)}, stride=${reprSize(o.stride ?? this.kernelSize)}, padding=${reprSize(o.padding ?? 0)}`;
  }
}
