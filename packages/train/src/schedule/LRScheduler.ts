import { fail } from '@tapegrad/tensor';
import type { StateDict, StateValue } from '../optim/Optimizer.js';

/** What a schedule needs of an optimiser: its groups' learning rates (any of SGD, Adam, AdamW, RMSprop). */
export interface ScheduledOptimizer {
  readonly paramGroups: { lr: number; initialLr?: number }[];
}

/** Anything `fit` can step: the LR schedules and ReduceLROnPlateau. */
export interface Scheduler {
  /** Advances the schedule; ReduceLROnPlateau takes the monitored metric. */
  step(metric?: number): void;
  /** The learning rate of each group after the last step. */
  getLastLr(): number[];
  stateDict(): StateDict;
  loadStateDict(state: StateDict): void;
}

/**
 * Base of the epoch/step-indexed schedules, as PyTorch 1.13's `_LRScheduler`: the constructor
 * records each group's `initialLr` (when not set yet) and takes the first step (to `lastEpoch`
 * 0); `step()` advances `lastEpoch` and writes `getLr()` into the groups. Most subclasses use
 * PyTorch's chainable (recursive) form, which reads the groups' current rates.
 */
export abstract class LRScheduler implements Scheduler {
  readonly optimizer: ScheduledOptimizer;
  baseLrs: number[];
  lastEpoch = -1;
  /** Steps taken, counting the constructor's (PyTorch's `_step_count`). */
  stepCount = 0;
  protected lastLr: number[] = [];
  protected readonly name: string;

  constructor(name: string, optimizer: ScheduledOptimizer) {
    this.name = name;
    if (!optimizer || !Array.isArray(optimizer.paramGroups)) fail(name, `optimizer ${String(optimizer)} is not an optimiser; expected SGD, Adam, AdamW, RMSprop or another object with paramGroups`);
    this.optimizer = optimizer;
    for (const g of optimizer.paramGroups) if (g.initialLr === undefined) g.initialLr = g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
  }

  /** The new rate of each group at `lastEpoch` (PyTorch's get_lr). */
  protected abstract getLr(): number[];

  /** The rate of each group at `lastEpoch` computed directly, where the schedule has a closed form. */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /** Resets the step count and takes the first step (subclass constructors call this last). */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** Advances one step; `epoch` (deprecated in PyTorch, used by SequentialLR) jumps to that index using the closed form. */
  step(epoch?: number): void {
    this.stepCount++;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr() ?? this.getLr();
    }
    this.optimizer.paramGroups.forEach((g, i) => { g.lr = values[i]!; });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /** Extra fields of a subclass's state (numbers and arrays). */
  protected extraState(): { [key: string]: StateValue } {
    return {};
  }

  protected loadExtraState(state: StateDict): void {
    void state;
  }

  stateDict(): StateDict {
    return { name: this.name, lastEpoch: this.lastEpoch, stepCount: this.stepCount, baseLrs: this.baseLrs.slice(), lastLr: this.lastLr.slice(), ...this.extraState() };
  }

  loadStateDict(state: StateDict): void {
    const fn = `${this.name}.loadStateDict`;
    if (!state || state['name'] !== this.name) fail(fn, `state dict of ${String(state?.['name'])} cannot be loaded; expected the state of a ${this.name}`);
    const n = this.optimizer.paramGroups.length;
    const nums = (k: string): number[] => {
      const v = state[k];
      if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number')) fail(fn, `${k} ${JSON.stringify(v)} is malformed; expected ${n} numbers (one per parameter group)`);
      return (v as number[]).slice();
    };
    const int = (k: string): number => {
      const v = state[k];
      if (typeof v !== 'number' || !Number.isInteger(v)) fail(fn, `${k} ${JSON.stringify(v)} is malformed; expected an integer`);
      return v;
    };
    const baseLrs = nums('baseLrs'), lastLr = nums('lastLr'), lastEpoch = int('lastEpoch'), stepCount = int('stepCount');
    this.loadExtraState(state);
    this.baseLrs = baseLrs;
    this.lastLr = lastLr;
    this.lastEpoch = lastEpoch;
    this.stepCount = stepCount;
  }
}

/** A number > 0 (or in a range), for schedule options. */
export function expectPositive(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) fail(fn, `${name} ${String(v)} must be a positive finite number; expected ${name} > 0`);
  return v;
}
