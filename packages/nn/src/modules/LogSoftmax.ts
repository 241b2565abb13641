import { isInt, fail } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../Module.js';
import { logSoftmax } from '../functional/activations.js';

/**
 * (*) -> (*): log-softmax along `dim`.
 * NOTE: `dim` is required; PyTorch's implicit-dim fallback is deprecated there.
 */
export class LogSoftmax extends Module {
  static {
    declareForgetful(this);
  }

  readonly dim: number;

  constructor(dim: number) {
    super();
    if (!isInt(dim)) fail('LogSoftmax', `dim ${String(dim)} is not an integer; expected the dim to normalise over`);
    this.dim = dim;
  }

  forward(x: Input): Variable {
    return logSoftmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
