import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../../Module.js';
import { avgPool3d, type AvgPool3dOptions } from '../../functional/pooling/avgPool3d.js';
import { resolveCountIncludePad, resolveDivisor } from '../../functional/pooling/avgPool2d.js';
import { checkWindow, type Size3 } from '../../functional/pooling/poolArgs.js';
import { reprSize } from './reprSize.js';

/** (N, C, D, H, W) -> (N, C, Do, Ho, Wo): average pooling, see `F.avgPool3d`. */
export class AvgPool3d extends Module {
  static {
    declareForgetful(this);
  }

  readonly kernelSize: Size3;
  readonly options: Readonly<AvgPool3dOptions>;

  constructor(kernelSize: Size3, opts: AvgPool3dOptions = {}) {
    super();
    checkWindow('AvgPool3d', 3, kernelSize, { ...opts, dilation: 1 });
    resolveCountIncludePad('AvgPool3d', opts.countIncludePad);
    resolveDivisor('AvgPool3d', opts.divisorOverride);
    this.kernelSize = kernelSize;
    this.options = Object.freeze({ ...opts });
  }

  forward(x: Input): Variable {
    return avgPool3d(x, this.kernelSize, this.options);
  }

  override extraRepr(): string {
    const o = this.options;
    return `kernel_size=${reprSize(this.kernelSize)}, stride=${reprSize(o.stride ?? this.kernelSize)}, padding=${reprSize(o.padding ?? 0)}`;
  }
}
