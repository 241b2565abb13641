import { expectPositiveInt } from '@tapegrad/tensor';
import { LRScheduler, type ScheduledOptimizer } from './LRScheduler.js';

export interface StepLROptions {
  /** Steps between decays. */
  stepSize: number;
  /** Factor applied every `stepSize` steps. @default 0.1 */
  gamma?: number;
}

/** `lr = initialLr * gamma^floor(t / stepSize)` (PyTorch's StepLR, chainable form). */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: ScheduledOptimizer, opts: StepLROptions) {
    super('StepLR', optimizer);
    this.stepSize = expectPositiveInt('StepLR', 'stepSize', opts?.stepSize);
    this.gamma = opts.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const decay = this.lastEpoch !== 0 && this.lastEpoch % this.stepSize === 0;
    return this.optimizer.paramGroups.map((g) => (decay ? g.lr * this.gamma : g.lr));
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}
