import { expectPositiveInt, expectFinite } from '@tapegrad/tensor';
import { LRScheduler, type ScheduledOptimizer } from './LRScheduler.js';

export interface CosineAnnealingLROptions {
  /** Steps of a half cosine period. */
  tMax: number;
  /** Floor of the rate. @default 0 */
  etaMin?: number;
}

/**
 * Cosine annealing from `initialLr` to `etaMin` over `tMax` steps, then back up (period 2 tMax).
 * PyTorch 1.13's recursive form: each step scales the distance to `etaMin` by
 * `(1 + cos(pi t / tMax)) / (1 + cos(pi (t-1) / tMax))`, so it composes with other schedules; the
 * closed form `etaMin + (initialLr - etaMin)(1 + cos(pi t / tMax)) / 2` is used when jumping.
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: ScheduledOptimizer, opts: CosineAnnealingLROptions) {
    super('CosineAnnealingLR', optimizer);
    this.tMax = expectPositiveInt('CosineAnnealingLR', 'tMax', opts?.tMax);
    this.etaMin = expectFinite('CosineAnnealingLR', 'etaMin', opts.etaMin ?? 0);
    this.initialStep();
  }

  protected getLr(): number[] {
    const t = this.lastEpoch, T = this.tMax, eta = this.etaMin;
    const groups = this.optimizer.paramGroups;
    if (t === 0) return groups.map((g) => g.lr);
    if (this.stepCount === 1 && t > 0) return this.baseLrs.map((b) => eta + (b - eta) * (1 + Math.cos((t * Math.PI) / T)) / 2);
    if ((t - 1 - T) % (2 * T) === 0) return groups.map((g, i) => g.lr + (this.baseLrs[i]! - eta) * (1 - Math.cos(Math.PI / T)) / 2);
    return groups.map((g) => ((1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T))) * (g.lr - eta) + eta);
  }

  protected override closedFormLr(): number[] {
    const t = this.lastEpoch, eta = this.etaMin;
    return this.baseLrs.map((b) => eta + (b - eta) * (1 + Math.cos((Math.PI * t) / this.tMax)) / 2);
  }
}
