import type { Tensor } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../../Module.js';
import { adaptiveMaxPool1d } from '../../functional/pooling/adaptiveMaxPool1d.js';
import { reprSize } from './reprSize.js';

/** (N, C, L) -> (N, C, Lo) with Lo = outputSize: the maximum of each adaptive bin. */
export class AdaptiveMaxPool1d extends Module {
  static {
    declareForgetful(this);
  }

  readonly outputSize: number | readonly [number];

  constructor(outputSize: number | readonly [number]) {
    super();
    this.outputSize = outputSize;
  }

  forward(x: Input): Variable {
    return adaptiveMaxPool1d(x, this.outputSize);
  }

  /** (N, C, L) -> [(N, C, Lo), indices along L]. */
  forwardWithIndices(x: Input): [Variable, Tensor] {
    return adaptiveMaxPool1d(x, this.outputSize, { returnIndices: true });
  }

  override extraRepr(): string {
    return `output_size=${reprSize(this.outputSize)}`;
  }
}
