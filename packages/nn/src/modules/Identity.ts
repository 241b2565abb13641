import { asVariable, type Variable, type Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../Module.js';

/** (*) -> (*): returns its input (a Tensor comes back wrapped as a constant Variable). */
export class Identity extends Module {
  static {
    declareForgetful(this);
  }

  forward(x: Input): Variable {
    return asVariable(x);
  }
}
