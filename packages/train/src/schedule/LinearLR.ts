import { fail, expectPositiveInt } from '@tapegrad/tensor';
import { LRScheduler, type ScheduledOptimizer } from './LRScheduler.js';

export interface LinearLROptions {
  /** Factor at step 0. @default 1/3 */
  startFactor?: number;
  /** Factor from step `totalIters` on. @default 1 */
  endFactor?: number;
  /** Steps of the ramp. @default 5 */
  totalIters?: number;
}

/**
 * `lr = initialLr * (startFactor + (endFactor - startFactor) * min(t, totalIters) / totalIters)`,
 * a linear warm-up (PyTorch's LinearLR, chainable form).
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: ScheduledOptimizer, opts: LinearLROptions = {}) {
    super('LinearLR', optimizer);
    const s = opts.startFactor ?? 1 / 3, e = opts.endFactor ?? 1;
    if (typeof s !== 'number' || !(s > 0 && s <= 1)) fail('LinearLR', `startFactor ${String(s)} is out of range; expected a number in (0, 1]`);
    if (typeof e !== 'number' || !(e >= 0 && e <= 1)) fail('LinearLR', `endFactor ${String(e)} is out of range; expected a number in [0, 1]`);
    this.startFactor = s;
    this.endFactor = e;
    this.totalIters = expectPositiveInt('LinearLR', 'totalIters', opts.totalIters ?? 5);
    this.initialStep();
  }

  protected getLr(): number[] {
    const t = this.lastEpoch, s = this.startFactor, e = this.endFactor, n = this.totalIters;
    const groups = this.optimizer.paramGroups;
    if (t === 0) return groups.map((g) => g.lr * s);
    if (t > n) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }

  protected override closedFormLr(): number[] {
    const s = this.startFactor, e = this.endFactor, n = this.totalIters;
    return this.baseLrs.map((b) => b * (s + ((e - s) * Math.min(n, this.lastEpoch)) / n));
  }
}
