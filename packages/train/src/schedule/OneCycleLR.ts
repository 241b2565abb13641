import { fail, expectPositiveInt } from '@tapegrad/tensor';
import type { StateDict, StateValue } from '../optim/Optimizer.js';
import { LRScheduler, type ScheduledOptimizer } from './LRScheduler.js';

export interface OneCycleLROptions {
  /** Peak rate, for all groups or one per group. */
  maxLr: number | readonly number[];
  /** Steps of the whole cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the rate. @default 0.3 */
  pctStart?: number;
  /** @default 'cos' */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (SGD's `momentum`, Adam's `betas[0]`) inversely to the rate. @default true */
  cycleMomentum?: boolean;
  /** @default 0.85 */
  baseMomentum?: number;
  /** @default 0.95 */
  maxMomentum?: number;
  /** initial rate = maxLr / divFactor. @default 25 */
  divFactor?: number;
  /** minimum rate = initial rate / finalDivFactor. @default 1e4 */
  finalDivFactor?: number;
  /** Three phases (up, back down to the initial rate, then annihilation) instead of two. @default false */
  threePhase?: boolean;
}

interface Phase { end: number; lr: [number[], number[]]; mom: [number[], number[]] }

type MomentumGroup = { momentum?: number; betas?: readonly [number, number] };

/**
 * The 1cycle policy (PyTorch 1.13's OneCycleLR): from `maxLr / divFactor` up to `maxLr` over
 * `pctStart` of the steps, then down to `initial / finalDivFactor` (cosine or linear), with the
 * momentum cycled the opposite way. Meant to be stepped once per batch; stepping past
 * `totalSteps` throws.
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  private readonly phases: Phase[];
  private readonly anneal: (start: number, end: number, pct: number) => number;
  private readonly cycleMomentum: boolean;
  private readonly useBeta1: boolean;

  constructor(optimizer: ScheduledOptimizer, opts: OneCycleLROptions) {
    super('OneCycleLR', optimizer);
    const fn = 'OneCycleLR';
    const n = optimizer.paramGroups.length;
    if (opts?.totalSteps !== undefined) this.totalSteps = expectPositiveInt(fn, 'totalSteps', opts.totalSteps);
    else if (opts?.epochs !== undefined || opts?.stepsPerEpoch !== undefined) {
      this.totalSteps = expectPositiveInt(fn, 'epochs', opts.epochs) * expectPositiveInt(fn, 'stepsPerEpoch', opts.stepsPerEpoch);
    } else fail(fn, 'totalSteps is missing; expected totalSteps, or epochs and stepsPerEpoch');
    const perGroup = (name: string, v: unknown): number[] => {
      const list = typeof v === 'number' ? Array.from({ length: n }, () => v) : Array.isArray(v) ? v.slice() : [];
      if (list.length !== n || !list.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)) {
        fail(fn, `${name} ${JSON.stringify(v)} is malformed; expected a non-negative number or ${n} of them (one per parameter group)`);
      }
      return list as number[];
    };
    const maxLrs = perGroup('maxLr', opts.maxLr);
    const pct = opts.pctStart ?? 0.3;
    if (typeof pct !== 'number' || !(pct >= 0 && pct <= 1)) fail(fn, `pctStart ${String(pct)} is out of range; expected a number in [0, 1]`);
    const strategy = opts.annealStrategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear') fail(fn, `annealStrategy '${String(strategy)}' is not supported; expected 'cos' or 'linear'`);
    this.anneal = strategy === 'cos'
      ? (a, b, p) => b + ((a - b) / 2) * (Math.cos(Math.PI * p) + 1)
      : (a, b, p) => (b - a) * p + a;
    const div = opts.divFactor ?? 25, finalDiv = opts.finalDivFactor ?? 1e4;
    const initial = maxLrs.map((m) => m / div);
    const min = initial.map((i) => i / finalDiv);
    optimizer.paramGroups.forEach((g, i) => { g.initialLr = initial[i]!; });
    this.baseLrs = initial.slice();
    this.cycleMomentum = opts.cycleMomentum ?? true;
    const groups = optimizer.paramGroups as unknown as MomentumGroup[];
    this.useBeta1 = groups.length > 0 && groups[0]!.betas !== undefined;
    const maxM = perGroup('maxMomentum', opts.maxMomentum ?? 0.95), baseM = perGroup('baseMomentum', opts.baseMomentum ?? 0.85);
    if (this.cycleMomentum) {
      if (!groups.every((g) => g.momentum !== undefined || g.betas !== undefined)) {
        fail(fn, 'cycleMomentum needs an optimiser with momentum or betas; expected SGD, RMSprop, Adam or AdamW (or cycleMomentum: false)');
      }
      groups.forEach((g, i) => this.setMomentum(g, maxM[i]!));
    }
    const T = this.totalSteps;
    this.phases = opts.threePhase
      ? [
        { end: pct * T - 1, lr: [initial, maxLrs], mom: [maxM, baseM] },
        { end: 2 * pct * T - 2, lr: [maxLrs, initial], mom: [baseM, maxM] },
        { end: T - 1, lr: [initial, min], mom: [maxM, maxM] },
      ]
      : [
        { end: pct * T - 1, lr: [initial, maxLrs], mom: [maxM, baseM] },
        { end: T - 1, lr: [maxLrs, min], mom: [baseM, maxM] },
      ];
    this.initialStep();
  }

  private setMomentum(g: MomentumGroup, m: number): void {
    if (this.useBeta1) g.betas = [m, g.betas![1]];
    else g.momentum = m;
  }

  protected getLr(): number[] {
    const t = this.lastEpoch;
    if (t > this.totalSteps) fail('OneCycleLR.step', `step ${t} is past totalSteps ${this.totalSteps}; expected at most ${this.totalSteps} steps (raise totalSteps or epochs)`);
    const groups = this.optimizer.paramGroups as unknown as MomentumGroup[];
    return this.optimizer.paramGroups.map((_, i) => {
      let start = 0;
      for (let k = 0; k < this.phases.length; k++) {
        const ph = this.phases[k]!;
        if (t <= ph.end || k === this.phases.length - 1) {
          const pct = (t - start) / (ph.end - start);
          if (this.cycleMomentum) this.setMomentum(groups[i]!, this.anneal(ph.mom[0][i]!, ph.mom[1][i]!, pct));
          return this.anneal(ph.lr[0][i]!, ph.lr[1][i]!, pct);
        }
        start = ph.end;
      }
      return this.optimizer.paramGroups[i]!.lr;
    });
  }

  protected override extraState(): { [key: string]: StateValue } {
    return { totalSteps: this.totalSteps };
  }

  protected override loadExtraState(state: StateDict): void {
    if (state['totalSteps'] !== this.totalSteps) fail('OneCycleLR.loadStateDict', `totalSteps ${String(state['totalSteps'])} differs from this schedule's ${this.totalSteps}; expected the state of the same schedule`);
  }
}
