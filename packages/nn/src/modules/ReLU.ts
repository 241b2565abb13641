import type { Variable, Input } from '@tapegrad/autograd';
import { Module } from '../Module.js';
import { relu } from '../functional/activations.js';

/** (*) -> (*): max(x, 0) */
export class ReLU extends Module {
  forward(x: Input): Variable {
    return relu(x);
  }
}
