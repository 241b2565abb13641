import type { Generator } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../Module.js';
import { dropout, expectProbability } from '../functional/dropout.js';

export interface DropoutModuleOptions {
  /** Source of the random masks. @default the global generator */
  generator?: Generator;
}

/** (*) -> (*): in training, zeroes each element with probability p and scales the rest by 1 / (1 - p); identity in eval. */
export class Dropout extends Module {
  static {
    declareForgetful(this);
  }

  readonly p: number;
  readonly generator: Generator | undefined;

  constructor(p = 0.5, opts: DropoutModuleOptions = {}) {
    super();
    this.p = expectProbability('Dropout', p);
    this.generator = opts.generator;
  }

  forward(x: Input): Variable {
    return dropout(x, this.p, { training: this.training, ...(this.generator ? { generator: this.generator } : {}) });
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}
