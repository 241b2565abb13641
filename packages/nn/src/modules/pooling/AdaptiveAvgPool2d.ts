import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../../Module.js';
import { adaptiveAvgPool2d, type AdaptiveSize2 } from '../../functional/pooling/adaptiveAvgPool2d.js';
import { reprSize } from './reprSize.js';

/** (N, C, H, W) -> (N, C, Ho, Wo) with (Ho, Wo) = outputSize (null keeps that input size). */
export class AdaptiveAvgPool2d extends Module {
  static {
    declareForgetful(this);
  }

  readonly outputSize: AdaptiveSize2;

  constructor(outputSize: AdaptiveSize2) {
    super();
    this.outputSize = outputSize;
  }

  forward(x: Input): Variable {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${reprSize(this.outputSize)}`;
  }
}
