import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../Module.js';
import { tanh } from '../functional/activations.js';

/** (*) -> (*): tanh(x). */
export class Tanh extends Module {
  static {
    declareForgetful(this);
  }

  forward(x: Input): Variable {
    return tanh(x);
  }
}
