import type { Tensor } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module } from '../Module.js';
import { Buffer } from '../Parameter.js';
import { nllLoss, type NllLossOptions } from '../functional/nllLoss.js';
import { expectTarget } from './lossTarget.js';

/** log-probabilities (N, C) | (C) | (N, C, d1, ...), target class indices -> loss: `F.nllLoss` with fixed options. */
export class NLLLoss extends Module {
  weight: Buffer | null;
  readonly options: Readonly<Omit<NllLossOptions, 'weight'>>;

  constructor(opts: NllLossOptions = {}) {
    super();
    const { weight, ...rest } = opts;
    this.weight = weight ? new Buffer(weight) : null;
    this.options = rest;
  }

  forward(input: Input, target?: Tensor): Variable {
    const t = expectTarget('NLLLoss', target);
    return nllLoss(input, t, this.weight ? { ...this.options, weight: this.weight.value } : this.options);
  }
}
