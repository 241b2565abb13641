import { fail, expectNonNegativeInt } from '@tapegrad/tensor';
import type { StateDict } from '../optim/Optimizer.js';
import type { ScheduledOptimizer, Scheduler } from './LRScheduler.js';

export interface ReduceLROnPlateauOptions {
  /** Whether the metric should go down ('min', a loss) or up ('max', an accuracy). @default 'min' */
  mode?: 'min' | 'max';
  /** New rate = rate * factor. @default 0.1 */
  factor?: number;
  /** Steps without improvement tolerated before reducing. @default 10 */
  patience?: number;
  /** Minimum change that counts as an improvement. @default 1e-4 */
  threshold?: number;
  /** 'rel': relative to the best value; 'abs': absolute. @default 'rel' */
  thresholdMode?: 'rel' | 'abs';
  /** Steps to wait after a reduction before counting again. @default 0 */
  cooldown?: number;
  /** Floor of the rate, for all groups or one per group. @default 0 */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped. @default 1e-8 */
  eps?: number;
}

/**
 * Reduces the rates by `factor` once the metric passed to `step(metric)` has not improved for
 * more than `patience` steps (PyTorch 1.13's ReduceLROnPlateau).
 */
export class ReduceLROnPlateau implements Scheduler {
  readonly optimizer: ScheduledOptimizer;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;

  constructor(optimizer: ScheduledOptimizer, opts: ReduceLROnPlateauOptions = {}) {
    const fn = 'ReduceLROnPlateau';
    if (!optimizer || !Array.isArray(optimizer.paramGroups)) fail(fn, `optimizer ${String(optimizer)} is not an optimiser; expected an object with paramGroups`);
    this.optimizer = optimizer;
    this.mode = opts.mode ?? 'min';
    if (this.mode !== 'min' && this.mode !== 'max') fail(fn, `mode '${String(this.mode)}' is not supported; expected 'min' or 'max'`);
    this.factor = opts.factor ?? 0.1;
    if (typeof this.factor !== 'number' || !(this.factor >= 0 && this.factor < 1)) fail(fn, `factor ${String(this.factor)} is out of range; expected a number in [0, 1)`);
    this.patience = expectNonNegativeInt(fn, 'patience', opts.patience ?? 10);
    this.cooldown = expectNonNegativeInt(fn, 'cooldown', opts.cooldown ?? 0);
    this.threshold = opts.threshold ?? 1e-4;
    this.thresholdMode = opts.thresholdMode ?? 'rel';
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') fail(fn, `thresholdMode '${String(this.thresholdMode)}' is not supported; expected 'rel' or 'abs'`);
    const n = optimizer.paramGroups.length;
    const m = opts.minLr ?? 0;
    this.minLrs = typeof m === 'number' ? Array.from({ length: n }, () => m) : m.slice();
    if (this.minLrs.length !== n) fail(fn, `minLr has ${this.minLrs.length} entries for ${n} parameter groups; expected ${n}`);
    this.eps = opts.eps ?? 1e-8;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number): boolean {
    const t = this.threshold, best = this.best;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - t) : a < best - t;
    return this.thresholdMode === 'rel' ? a > best * (t + 1) : a > best + t;
  }

  /** Records one value of the monitored metric (after each epoch, typically the validation loss). */
  step(metric?: number): void {
    if (typeof metric !== 'number') fail('ReduceLROnPlateau.step', `metric ${String(metric)} is not a number; expected step(value of the monitored metric)`);
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const next = Math.max(g.lr * this.factor, this.minLrs[i]!);
        if (g.lr - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  stateDict(): StateDict {
    // JSON has no Infinity: the initial best is stored as null
    return { name: 'ReduceLROnPlateau', best: Number.isFinite(this.best) ? this.best : null, numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter, lastEpoch: this.lastEpoch };
  }

  loadStateDict(state: StateDict): void {
    const fn = 'ReduceLROnPlateau.loadStateDict';
    if (!state || state['name'] !== 'ReduceLROnPlateau') fail(fn, `state dict of ${String(state?.['name'])} cannot be loaded; expected the state of a ReduceLROnPlateau`);
    for (const k of ['numBadEpochs', 'cooldownCounter', 'lastEpoch']) {
      if (!Number.isInteger(state[k])) fail(fn, `${k} ${JSON.stringify(state[k])} is malformed; expected an integer`);
    }
    const best = state['best'];
    if (best !== null && typeof best !== 'number') fail(fn, `best ${JSON.stringify(best)} is malformed; expected a number or null`);
    this.best = best ?? (this.mode === 'min' ? Infinity : -Infinity);
    this.numBadEpochs = state['numBadEpochs'] as number;
    this.cooldownCounter = state['cooldownCounter'] as number;
    this.lastEpoch = state['lastEpoch'] as number;
  }
}
