import { asVariable, type Variable, type Input } from '@tapegrad/autograd';
import { Module } from '../Module.js';

/** (*) -> (*): returns its input (a Tensor comes back wrapped as a constant Variable). */
export class Identity extends Module {
  forward(x: Input): Variable {
    return asVariable(x);
  }
}
