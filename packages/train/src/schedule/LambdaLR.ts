import { fail } from '@tapegrad/tensor';
import { LRScheduler, type ScheduledOptimizer } from './LRScheduler.js';

export interface LambdaLROptions {
  /** `t -> factor`, one function for all groups or one per group. */
  lrLambda: ((step: number) => number) | readonly ((step: number) => number)[];
}

/** `lr = initialLr * lrLambda(t)` (PyTorch's LambdaLR). The functions are not part of the state dict. */
export class LambdaLR extends LRScheduler {
  private readonly lambdas: ((step: number) => number)[];

  constructor(optimizer: ScheduledOptimizer, opts: LambdaLROptions) {
    super('LambdaLR', optimizer);
    const f = opts?.lrLambda;
    const n = optimizer.paramGroups.length;
    const list = typeof f === 'function' ? Array.from({ length: n }, () => f) : Array.isArray(f) ? f.slice() : null;
    if (!list || !list.every((x) => typeof x === 'function')) fail('LambdaLR', `lrLambda ${String(f)} is not a function; expected a function or one function per parameter group`);
    if (list.length !== n) fail('LambdaLR', `lrLambda has ${list.length} functions for ${n} parameter groups; expected ${n}`);
    this.lambdas = list;
    this.initialStep();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lambdas[i]!(this.lastEpoch));
  }
}
