import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../../Module.js';
import { adaptiveAvgPool1d } from '../../functional/pooling/adaptiveAvgPool1d.js';
import { reprSize } from './reprSize.js';

/** (N, C, L) -> (N, C, Lo) with Lo = outputSize: adaptive average pooling. */
export class AdaptiveAvgPool1d extends Module {
  static {
    declareForgetful(this);
  }

  readonly outputSize: number | readonly [number];

  constructor(outputSize: number | readonly [number]) {
    super();
    this.outputSize = outputSize;
  }

  forward(x: Input): Variable {
    return adaptiveAvgPool1d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${reprSize(this.outputSize)}`;
  }
}
