import type { Variable, Input } from '@tapegrad/autograd';
import { Module } from '../Module.js';
import { mseLoss, type MseLossOptions } from '../functional/mseLoss.js';
import { expectTarget } from './lossTarget.js';

/** input (*), target (*) -> loss: mean (or sum, or elementwise) squared error. */
export class MSELoss extends Module {
  readonly options: Readonly<MseLossOptions>;

  constructor(opts: MseLossOptions = {}) {
    super();
    this.options = { ...opts };
  }

  forward(input: Input, target?: Input): Variable {
    return mseLoss(input, expectTarget('MSELoss', target), this.options);
  }
}
