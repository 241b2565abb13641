import { defaultGenerator, zeros, type Generator } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../Module.js';
import { Parameter } from '../Parameter.js';
import { linear } from '../functional/linear.js';
import { uniformTensor } from '../init/uniform.js';
import { expectPositiveInt } from '@tapegrad/tensor';

export interface LinearOptions {
  /** @default true */
  bias?: boolean;
  /** Source of the initial weights. @default the global generator */
  generator?: Generator;
}

/**
 * (*, inFeatures) -> (*, outFeatures). Weights and bias start U(-1/sqrt(inFeatures), 1/sqrt(inFeatures)),
 * PyTorch's default (kaiming_uniform with a = sqrt(5)).
 */
export class Linear extends Module {
  static {
    declareForgetful(this);
  }

  weight: Parameter;
  bias: Parameter | null;
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    this.inFeatures = expectPositiveInt('Linear', 'inFeatures', inFeatures);
    this.outFeatures = expectPositiveInt('Linear', 'outFeatures', outFeatures);
    const g = opts.generator ?? defaultGenerator;
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = new Parameter(uniformTensor([outFeatures, inFeatures], -bound, bound, g));
    this.bias = opts.bias === false ? null : new Parameter(inFeatures > 0 ? uniformTensor([outFeatures], -bound, bound, g) : zeros([outFeatures]));
  }

  forward(x: Input): Variable {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}
