import { fail } from '@tapegrad/tensor';
import { LRScheduler, type ScheduledOptimizer } from './LRScheduler.js';

export interface ExponentialLROptions {
  /** Factor applied every step. */
  gamma: number;
}

/** `lr = initialLr * gamma^t` (PyTorch's ExponentialLR). */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: ScheduledOptimizer, opts: ExponentialLROptions) {
    super('ExponentialLR', optimizer);
    const gamma = opts?.gamma;
    if (typeof gamma !== 'number' || !Number.isFinite(gamma)) fail('ExponentialLR', `gamma ${String(gamma)} must be a finite number`);
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    return this.optimizer.paramGroups.map((g) => (this.lastEpoch === 0 ? g.lr : g.lr * this.gamma));
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}
