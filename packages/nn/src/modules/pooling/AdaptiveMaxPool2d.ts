import type { Tensor } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../../Module.js';
import { adaptiveMaxPool2d } from '../../functional/pooling/adaptiveMaxPool2d.js';
import type { AdaptiveSize2 } from '../../functional/pooling/adaptiveAvgPool2d.js';
import { reprSize } from './reprSize.js';

/** (N, C, H, W) -> (N, C, Ho, Wo) with (Ho, Wo) = outputSize: the maximum of each adaptive bin. */
export class AdaptiveMaxPool2d extends Module {
  static {
    declareForgetful(this);
  }

  readonly outputSize: AdaptiveSize2;

  constructor(outputSize: AdaptiveSize2) {
    super();
    this.outputSize = outputSize;
  }

  forward(x: Input): Variable {
    return adaptiveMaxPool2d(x, this.outputSize);
  }

  /** (N, C, H, W) -> [(N, C, Ho, Wo), indices flat within each H*W plane]. */
  forwardWithIndices(x: Input): [Variable, Tensor] {
    return adaptiveMaxPool2d(x, this.outputSize, { returnIndices: true });
  }

  override extraRepr(): string {
    return `output_size=${reprSize(this.outputSize)}`;
  }
}
