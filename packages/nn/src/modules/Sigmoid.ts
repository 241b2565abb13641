import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../Module.js';
import { sigmoid } from '../functional/activations.js';

/** (*) -> (*): 1 / (1 + exp(-x)). */
export class Sigmoid extends Module {
  static {
    declareForgetful(this);
  }

  forward(x: Input): Variable {
    return sigmoid(x);
  }
}
