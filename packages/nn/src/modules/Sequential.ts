import type { Variable, Input } from '@tapegrad/autograd';
import { Module } from '../Module.js';
import { Conv2d } from './Conv2d.js';
import { ReLU } from './ReLU.js';

/**
 * True when `a` then `b` is a plain Conv2d then a plain ReLU (neither forward replaced, by a
 * subclass or on the instance), which Sequential runs as one fused op with the same result.
 */
function convThenRelu(a: Module, b: Module | undefined): a is Conv2d {
  return a instanceof Conv2d && b instanceof ReLU && a.forward === Conv2d.prototype.forward && b.forward === ReLU.prototype.forward;
}

/** Runs its children in order; state-dict keys are their indices (`0.weight`, `1.bias`, ...). */
export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    layers.forEach((m, i) => {
      if (!(m instanceof Module)) throw new Error(`Sequential: argument ${i} (${String(m)}) is not a Module; expected Module instances`);
    });
    this.layers = layers;
  }

  override namedChildren(): [string, Module][] {
    return this.layers.map((m, i) => [String(i), m]);
  }

  get length(): number {
    return this.layers.length;
  }

  at(i: number): Module {
    const m = this.layers[i < 0 ? i + this.layers.length : i];
    if (!m) throw new Error(`Sequential.at: index ${i} is out of range for ${this.layers.length} layers; expected an integer in [${-this.layers.length}, ${this.layers.length - 1}]`);
    return m;
  }

  /**
   * (input of the first layer) -> (output of the last layer). A Conv2d directly followed by a ReLU
   * runs as one op (relu(conv) in one kernel pass; the same values and gradients).
   */
  forward(x: Input): Variable {
    const layers = this.layers;
    if (layers.length === 0) throw new Error('Sequential.forward: the Sequential has no layers; expected at least one');
    let y: Input = x;
    for (let i = 0; i < layers.length; i++) {
      const m = layers[i]!;
      if (convThenRelu(m, layers[i + 1])) {
        y = m.forwardRelu(y);
        i++;
      } else {
        y = m.forward(y);
      }
    }
    return y as Variable;
  }
}
