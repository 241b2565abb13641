import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../../Module.js';
import { adaptiveAvgPool3d, type AdaptiveSize3 } from '../../functional/pooling/adaptiveAvgPool3d.js';
import { reprSize } from './reprSize.js';

/** (N, C, D, H, W) -> (N, C, Do, Ho, Wo) with (Do, Ho, Wo) = outputSize (null keeps that input size). */
export class AdaptiveAvgPool3d extends Module {
  static {
    declareForgetful(this);
  }

  readonly outputSize: AdaptiveSize3;

  constructor(outputSize: AdaptiveSize3) {
    super();
    this.outputSize = outputSize;
  }

  forward(x: Input): Variable {
    return adaptiveAvgPool3d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${reprSize(this.outputSize)}`;
  }
}
