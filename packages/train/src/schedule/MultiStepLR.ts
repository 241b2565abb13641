import { fail, isInt } from '@tapegrad/tensor';
import { LRScheduler, type ScheduledOptimizer } from './LRScheduler.js';

export interface MultiStepLROptions {
  /** Steps at which the rate is multiplied by gamma (a step listed twice decays twice). */
  milestones: readonly number[];
  /** @default 0.1 */
  gamma?: number;
}

/** `lr = initialLr * gamma^(number of milestones <= t)` (PyTorch's MultiStepLR). */
export class MultiStepLR extends LRScheduler {
  readonly milestones: readonly number[];
  readonly gamma: number;

  constructor(optimizer: ScheduledOptimizer, opts: MultiStepLROptions) {
    super('MultiStepLR', optimizer);
    const ms = opts?.milestones;
    if (!Array.isArray(ms) || !ms.every((m) => isInt(m) && m >= 0)) fail('MultiStepLR', `milestones ${JSON.stringify(ms)} is not a list of step indices; expected non-negative integers`);
    this.milestones = ms.slice().sort((a, b) => a - b);
    this.gamma = opts.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    return this.optimizer.paramGroups.map((g) => (hits === 0 ? g.lr : g.lr * this.gamma ** hits));
  }

  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }
}
