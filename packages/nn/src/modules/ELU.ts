import { expectFinite } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../Module.js';
import { elu } from '../functional/elu.js';

/** (*) -> (*): x for x > 0, alpha * (exp(x) - 1) otherwise. */
export class ELU extends Module {
  static {
    declareForgetful(this);
  }

  readonly alpha: number;

  /** @param alpha @default 1 */
  constructor(alpha = 1) {
    super();
    this.alpha = expectFinite('ELU', 'alpha', alpha);
  }

  forward(x: Input): Variable {
    return elu(x, { alpha: this.alpha });
  }

  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}
