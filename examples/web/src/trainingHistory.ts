// What the page keeps of a run for its curves: every step's loss and accuracy (with exponential
// moving averages, as TensorBoard smooths), and every epoch's results. Pure.
import type { EpochReport, StepReport } from './protocol.js';

/** A growable float series. */
export class Series {
  private buf = new Float32Array(256);
  length = 0;

  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Float32Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }

  at(i: number): number {
    return this.buf[i]!;
  }

  values(): Float32Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Exponential moving average with bias correction (the first values are not pulled towards 0). */
export class Ema {
  private m = 0;
  private n = 0;

  constructor(private readonly beta: number) {}

  update(v: number): number {
    this.n++;
    this.m = this.beta * this.m + (1 - this.beta) * v;
    return this.m / (1 - this.beta ** this.n);
  }
}

export class TrainingHistory {
  readonly step = new Series();
  readonly loss = new Series();
  readonly accuracy = new Series();
  readonly lossSmooth = new Series();
  readonly accuracySmooth = new Series();
  readonly epochs: EpochReport[] = [];
  totalSteps = 0;
  stepsPerEpoch = 0;
  last: StepReport | null = null;
  private lossEma = new Ema(0.9);
  private accEma = new Ema(0.9);

  addStep(r: StepReport): void {
    this.totalSteps = r.totalSteps;
    this.stepsPerEpoch = r.stepsPerEpoch;
    this.last = r;
    this.step.push(r.globalStep);
    this.loss.push(r.loss);
    this.accuracy.push(r.accuracy);
    this.lossSmooth.push(this.lossEma.update(r.loss));
    this.accuracySmooth.push(this.accEma.update(r.accuracy));
  }

  addEpoch(r: EpochReport): void {
    this.epochs.push(r);
  }

  get smoothedLoss(): number {
    return this.lossSmooth.length ? this.lossSmooth.at(this.lossSmooth.length - 1) : NaN;
  }

  get smoothedAccuracy(): number {
    return this.accuracySmooth.length ? this.accuracySmooth.at(this.accuracySmooth.length - 1) : NaN;
  }
}

/**
 * The lower end of the accuracy axis: 0 during the first epoch, then the lowest smoothed or test
 * accuracy since the first epoch's end, rounded down to a multiple of 0.05 and at most 0.9, so that
 * the last points of a good run (97-99 %) are not squeezed into the top of the chart.
 */
export function accuracyFloor(h: TrainingHistory): number {
  if (h.epochs.length === 0 || h.stepsPerEpoch === 0) return 0;
  let lo = 1;
  const s = h.accuracySmooth.values();
  for (let i = h.stepsPerEpoch; i < s.length; i++) lo = Math.min(lo, s[i]!);
  for (const e of h.epochs) lo = Math.min(lo, e.testAccuracy, e.trainAccuracy);
  return Math.max(0, Math.min(0.9, Math.floor(lo * 20) / 20));
}
