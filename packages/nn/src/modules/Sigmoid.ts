import type { Variable, Input } from '@tapegrad/autograd';
import { Module } from '../Module.js';
import { sigmoid } from '../functional/activations.js';

/** (*) -> (*): 1 / (1 + exp(-x)). */
export class Sigmoid extends Module {
  forward(x: Input): Variable {
    return sigmoid(x);
  }
}
