import type { Variable, Input } from '@tapegrad/autograd';
import { describeValue } from '@tapegrad/tensor';
import { Module } from '../Module.js';
import { Conv2d } from './Conv2d.js';
import { ReLU } from './ReLU.js';
import { BatchNormBase } from './BatchNormBase.js';

/**
 * `a` when `a` then `b` is a plain Conv2d or batch norm layer then a plain ReLU (neither forward
 * replaced, by a subclass or on the instance), which Sequential runs as one fused op with the
 * same result; else null.
 */
function fusesWithRelu(a: Module, b: Module | undefined): Conv2d | BatchNormBase | null {
  if (!(b instanceof ReLU) || b.forward !== ReLU.prototype.forward) return null;
  if (a instanceof Conv2d && a.forward === Conv2d.prototype.forward) return a;
  if (a instanceof BatchNormBase && a.forward === BatchNormBase.prototype.forward) return a;
  return null;
}

/** Runs its children in order; state-dict keys are their indices (`0.weight`, `1.bias`, ...). */
export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    layers.forEach((m, i) => {
      if (!(m instanceof Module)) throw new Error(`Sequential: argument ${i} (${describeValue(m)}) is not a Module; expected Module instances`);
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
   * (input of the first layer) -> (output of the last layer). A Conv2d or batch norm layer directly
   * followed by a ReLU runs as one op (the ReLU in the same kernel pass; the same values and gradients).
   */
  forward(x: Input): Variable {
    const layers = this.layers;
    if (layers.length === 0) throw new Error('Sequential.forward: the Sequential has no layers; expected at least one');
    let y: Input = x;
    for (let i = 0; i < layers.length; i++) {
      const m = layers[i]!;
      const fused = fusesWithRelu(m, layers[i + 1]);
      if (fused !== null) {
        y = fused.forwardRelu(y);
        i++;
      } else {
        y = m.forward(y);
      }
    }
    return y as Variable;
  }
}
