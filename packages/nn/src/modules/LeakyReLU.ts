import { expectFinite } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../Module.js';
import { leakyRelu } from '../functional/leakyRelu.js';

/** (*) -> (*): max(0, x) + negativeSlope * min(0, x). */
export class LeakyReLU extends Module {
  static {
    declareForgetful(this);
  }

  readonly negativeSlope: number;

  /** @param negativeSlope @default 0.01 */
  constructor(negativeSlope = 0.01) {
    super();
    this.negativeSlope = expectFinite('LeakyReLU', 'negativeSlope', negativeSlope);
  }

  forward(x: Input): Variable {
    return leakyRelu(x, { negativeSlope: this.negativeSlope });
  }

  override extraRepr(): string {
    return `negative_slope=${this.negativeSlope}`;
  }
}
