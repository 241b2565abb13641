import { fail } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../Module.js';
import { gelu } from '../functional/gelu.js';

/** (*) -> (*): x * Phi(x) (exact, or PyTorch's tanh approximation). */
export class GELU extends Module {
  static {
    declareForgetful(this);
  }

  readonly approximate: 'none' | 'tanh';

  /** @param approximate @default 'none' */
  constructor(approximate: 'none' | 'tanh' = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') fail('GELU', `approximate '${String(approximate)}' is not supported; expected 'none' or 'tanh'`);
    this.approximate = approximate;
  }

  forward(x: Input): Variable {
    return gelu(x, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}
