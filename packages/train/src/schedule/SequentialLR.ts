import { fail, isInt } from '@tapegrad/tensor';
import type { StateDict, StateValue } from '../optim/Optimizer.js';
import { LRScheduler, type ScheduledOptimizer, type Scheduler } from './LRScheduler.js';

export interface SequentialLROptions {
  /** The schedules, built on the same optimiser, in the order they run. */
  schedulers: readonly LRScheduler[];
  /** Steps at which the next schedule takes over (one fewer than the schedules, increasing). */
  milestones: readonly number[];
}

/**
 * Runs `schedulers[0]` until `milestones[0]`, then `schedulers[1]` restarted at its step 0, and so
 * on (PyTorch 1.13's SequentialLR: warm-up then cosine is `[LinearLR, CosineAnnealingLR]`).
 */
export class SequentialLR implements Scheduler {
  readonly optimizer: ScheduledOptimizer;
  readonly schedulers: readonly LRScheduler[];
  readonly milestones: readonly number[];
  lastEpoch: number;
  private lastLr: number[];

  constructor(optimizer: ScheduledOptimizer, opts: SequentialLROptions) {
    const fn = 'SequentialLR';
    const { schedulers, milestones } = opts ?? {};
    if (!Array.isArray(schedulers) || schedulers.length === 0 || !schedulers.every((s) => s instanceof LRScheduler)) {
      fail(fn, 'schedulers must be a non-empty list of schedules (StepLR, LinearLR, CosineAnnealingLR, ...)');
    }
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) fail(fn, `schedulers[${i}] belongs to another optimiser; expected every schedule built on the optimiser passed to SequentialLR`);
    });
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      fail(fn, `milestones ${JSON.stringify(milestones)} has ${Array.isArray(milestones) ? milestones.length : 'no'} entries for ${schedulers.length} schedulers; expected ${schedulers.length - 1}`);
    }
    milestones.forEach((m, i) => {
      if (!isInt(m) || m < 1 || (i > 0 && m <= milestones[i - 1]!)) fail(fn, `milestones ${JSON.stringify(milestones)} are not increasing positive integers; expected e.g. [125]`);
    });
    this.optimizer = optimizer;
    this.schedulers = schedulers.slice();
    this.milestones = milestones.slice();
    this.lastEpoch = 0;
    for (const g of optimizer.paramGroups) g.lr = g.initialLr!;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0]!.initialStep();
    this.lastLr = this.schedulers[0]!.getLastLr();
  }

  step(): void {
    this.lastEpoch++;
    let idx = 0;
    while (idx < this.milestones.length && this.milestones[idx]! <= this.lastEpoch) idx++;
    const s = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.step(0);
    else s.step();
    this.lastLr = s.getLastLr();
  }

  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  stateDict(): StateDict {
    return { name: 'SequentialLR', lastEpoch: this.lastEpoch, lastLr: this.lastLr.slice(), schedulers: this.schedulers.map((s) => s.stateDict() as StateValue) };
  }

  loadStateDict(state: StateDict): void {
    const fn = 'SequentialLR.loadStateDict';
    const subs = state?.['schedulers'];
    if (!state || state['name'] !== 'SequentialLR' || !Array.isArray(subs) || subs.length !== this.schedulers.length) {
      fail(fn, `state dict is not that of a SequentialLR of ${this.schedulers.length} schedules`);
    }
    const lastLr = state['lastLr'];
    if (!Number.isInteger(state['lastEpoch']) || !Array.isArray(lastLr)) fail(fn, 'lastEpoch or lastLr is malformed; expected an integer and a list of numbers');
    this.schedulers.forEach((s, i) => s.loadStateDict(subs[i] as StateDict));
    this.lastEpoch = state['lastEpoch'] as number;
    this.lastLr = (lastLr as number[]).slice();
  }
}
