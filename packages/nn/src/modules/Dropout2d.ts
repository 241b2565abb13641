import type { Generator } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../Module.js';
import { dropout2d, expectProbability } from '../functional/dropout.js';
import type { DropoutModuleOptions } from './Dropout.js';

/** (N, C, H, W) or (C, H, W) -> same: in training, zeroes whole channels with probability p, scaling the rest by 1 / (1 - p). */
export class Dropout2d extends Module {
  static {
    declareForgetful(this);
  }

  readonly p: number;
  readonly generator: Generator | undefined;

  constructor(p = 0.5, opts: DropoutModuleOptions = {}) {
    super();
    this.p = expectProbability('Dropout2d', p);
    this.generator = opts.generator;
  }

  forward(x: Input): Variable {
    return dropout2d(x, this.p, { training: this.training, ...(this.generator ? { generator: this.generator } : {}) });
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}
