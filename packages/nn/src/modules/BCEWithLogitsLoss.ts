import type { Variable, Input } from '@tapegrad/autograd';
import { Module } from '../Module.js';
import { Buffer } from '../Parameter.js';
import { binaryCrossEntropyWithLogits, type BceWithLogitsOptions } from '../functional/binaryCrossEntropyWithLogits.js';
import { expectTarget } from './lossTarget.js';

/** logits (*), targets (*) in [0, 1] -> loss: sigmoid + binary cross-entropy in one stable step. `weight`, `posWeight` are buffers. */
export class BCEWithLogitsLoss extends Module {
  weight: Buffer | null;
  posWeight: Buffer | null;
  readonly reduction: BceWithLogitsOptions['reduction'];

  constructor(opts: BceWithLogitsOptions = {}) {
    super();
    this.weight = opts.weight ? new Buffer(opts.weight) : null;
    this.posWeight = opts.posWeight ? new Buffer(opts.posWeight) : null;
    this.reduction = opts.reduction ?? 'mean';
  }

  forward(input: Input, target?: Input): Variable {
    const t = expectTarget('BCEWithLogitsLoss', target);
    const o: BceWithLogitsOptions = { ...(this.reduction ? { reduction: this.reduction } : {}) };
    if (this.weight) o.weight = this.weight.value;
    if (this.posWeight) o.posWeight = this.posWeight.value;
    return binaryCrossEntropyWithLogits(input, t, o);
  }
}
