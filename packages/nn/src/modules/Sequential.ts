import type { Variable, Input } from '@tapegrad/autograd';
import { describeValue } from '@tapegrad/tensor';
import { Module } from '../Module.js';
import { FusedSequence } from '../fusion.js';

/** Runs its children in order; state-dict keys are their indices (`0.weight`, `1.bias`, ...). */
export class Sequential extends Module {
  readonly layers: Module[];
  private readonly fused = new FusedSequence();

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

  /** Its own forward over layers that all forget what they see keeps nothing either. */
  override forgetsActivations(): boolean {
    return this.forward === Sequential.prototype.forward && this.layers.every((m) => m.forgetsActivations());
  }

  /**
   * (input of the first layer) -> (output of the last layer). Runs through the fusion plan
   * (fusion.ts): a Conv2d or batch norm layer directly followed by a ReLU runs as one op (the ReLU
   * in the same kernel pass; the same values and gradients). An activation passed between two
   * layers that keep nothing (`forgetsActivations`) is freed once backward has read it, or at once
   * in a `noGrad` pass, never copied back from a resident backend; nothing outside can reach it.
   */
  forward(x: Input): Variable {
    if (this.layers.length === 0) throw new Error('Sequential.forward: the Sequential has no layers; expected at least one');
    return this.fused.run(this.layers, x);
  }
}
