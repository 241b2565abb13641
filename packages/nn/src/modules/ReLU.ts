import type { Variable } from '@tapegrad/autograd';
import { Module } from '../Module.js';
import { relu } from '../functional/activations.js';

/** (*) -> (*): max(x, 0) */
export class ReLU extends Module {
  forward(x: Variable): Variable {
    return relu(x);
  }
}
