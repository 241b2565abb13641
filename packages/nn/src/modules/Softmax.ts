import { isInt, fail } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../Module.js';
import { softmax } from '../functional/activations.js';

/**
 * (*) -> (*): softmax along `dim`.
 * NOTE: `dim` is required; PyTorch's implicit-dim fallback is deprecated there.
 */
export class Softmax extends Module {
  static {
    declareForgetful(this);
  }

  readonly dim: number;

  constructor(dim: number) {
    super();
    if (!isInt(dim)) fail('Softmax', `dim ${String(dim)} is not an integer; expected the dim to normalise over`);
    this.dim = dim;
  }

  forward(x: Input): Variable {
    return softmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
