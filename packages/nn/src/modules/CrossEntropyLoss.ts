import type { Tensor } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module } from '../Module.js';
import { Buffer } from '../Parameter.js';
import { crossEntropy, type CrossEntropyOptions } from '../functional/crossEntropy.js';
import { expectTarget } from './lossTarget.js';

/**
 * logits (N, C) | (C) | (N, C, d1, ...), target class indices (N) or probabilities (N, C) -> loss
 * (() for 'mean'/'sum'): `F.crossEntropy` with fixed options. A class `weight` is a buffer, as PyTorch.
 */
export class CrossEntropyLoss extends Module {
  weight: Buffer | null;
  readonly options: Readonly<Omit<CrossEntropyOptions, 'weight'>>;

  constructor(opts: CrossEntropyOptions = {}) {
    super();
    const { weight, ...rest } = opts;
    this.weight = weight ? new Buffer(weight) : null;
    this.options = rest;
  }

  forward(input: Input, target?: Tensor): Variable {
    const t = expectTarget('CrossEntropyLoss', target);
    return crossEntropy(input, t, this.weight ? { ...this.options, weight: this.weight.value } : this.options);
  }
}
