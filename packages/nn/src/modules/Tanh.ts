import type { Variable, Input } from '@tapegrad/autograd';
import { Module } from '../Module.js';
import { tanh } from '../functional/activations.js';

/** (*) -> (*): tanh(x). */
export class Tanh extends Module {
  forward(x: Input): Variable {
    return tanh(x);
  }
}
