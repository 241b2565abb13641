import { Tensor, zeros, ones, scalar, expectPositiveInt, expectFinite, fail, formatShape, type Epilogue } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../Module.js';
import { Parameter, Buffer } from '../Parameter.js';
import { batchNormWith } from '../functional/batchNorm.js';
import type { FusionRole } from '../fusion.js';
import { FUSED_ACTIVATIONS } from '../fusedActivations.js';

export interface BatchNormModuleOptions {
  /** @default 1e-5 */
  eps?: number;
  /** Weight of each new batch in the running statistics; null: a cumulative average over all batches. @default 0.1 */
  momentum?: number | null;
  /** Learn a per-channel scale (`weight`, start 1) and shift (`bias`, start 0). @default true */
  affine?: boolean;
  /** Keep running statistics (and use them in eval); false: always use batch statistics. @default true */
  trackRunningStats?: boolean;
}

/** A number as Python prints it (1e-05, 0.1), so toString matches PyTorch's repr. */
function pyNumber(v: number): string {
  if (v === 0 || (Math.abs(v) >= 1e-4 && Math.abs(v) < 1e16)) return String(v);
  return v.toExponential().replace(/e([+-])(\d)$/, (_m, sign: string, d: string) => `e${sign}0${d}`);
}

/**
 * Shared body of BatchNorm1d and BatchNorm2d. State-dict keys, as PyTorch: `weight`, `bias`,
 * `running_mean`, `running_var`, `num_batches_tracked`; the running variance is the unbiased one.
 */
export abstract class BatchNormBase extends Module {
  static {
    declareForgetful(this);
  }

  weight: Parameter | null;
  bias: Parameter | null;
  runningMean: Buffer | null;
  runningVar: Buffer | null;
  numBatchesTracked: Buffer | null;
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(name: string, numFeatures: number, opts: BatchNormModuleOptions = {}) {
    super();
    this.numFeatures = expectPositiveInt(name, 'numFeatures', numFeatures);
    this.eps = expectFinite(name, 'eps', opts.eps ?? 1e-5);
    if (this.eps < 0) fail(name, `eps ${this.eps} is negative; expected eps >= 0`);
    const m = opts.momentum === undefined ? 0.1 : opts.momentum;
    if (m !== null) expectFinite(name, 'momentum', m);
    this.momentum = m;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    this.weight = this.affine ? new Parameter(ones([numFeatures])) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures])) : null;
    this.runningMean = this.trackRunningStats ? new Buffer(zeros([numFeatures])) : null;
    this.runningVar = this.trackRunningStats ? new Buffer(ones([numFeatures])) : null;
    this.numBatchesTracked = this.trackRunningStats ? new Buffer(scalar(0)) : null;
  }

  /** Throws unless the input's rank suits the layer. */
  protected abstract checkRank(shape: readonly number[]): void;

  /** Resets the running statistics to mean 0, variance 1 and the batch count to 0. */
  resetRunningStats(): void {
    if (this.runningMean) this.runningMean.value = zeros([this.numFeatures]);
    if (this.runningVar) this.runningVar.value = ones([this.numFeatures]);
    if (this.numBatchesTracked) this.numBatchesTracked.value = scalar(0);
  }

  forward(x: Input): Variable {
    return this.run(x, 'none');
  }

  /** A host: an activation after this layer runs in the batch-norm kernel's epilogue (unless forward is replaced). */
  override fusionRole(): FusionRole | null {
    if (this.forward !== BatchNormBase.prototype.forward) return null;
    return { kind: 'host', epilogues: FUSED_ACTIVATIONS, run: (x, epilogue) => this.run(x, epilogue) };
  }

  private run(x: Input, epilogue: Epilogue): Variable {
    const name = this.constructor.name;
    this.checkRank(x.shape);
    if (x.shape[1] !== this.numFeatures) {
      fail(name, `input shape ${formatShape(x.shape)} has ${x.shape[1]} channels; expected ${this.numFeatures} (numFeatures)`);
    }
    let factor = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked) {
      const n = this.numBatchesTracked.value.item() + 1;
      this.numBatchesTracked.value = new Tensor(Float32Array.of(n), []);
      if (this.momentum === null) factor = 1 / n;
    }
    // Batch statistics in training, and in eval when no running statistics are kept (as PyTorch).
    const useBatch = this.training || this.runningMean === null;
    const track = !this.training || this.trackRunningStats;
    return batchNormWith(x, track ? this.runningMean : null, track ? this.runningVar : null, {
      weight: this.weight, bias: this.bias, training: useBatch, momentum: factor, eps: this.eps,
    }, epilogue);
  }

  override extraRepr(): string {
    const cap = (b: boolean): string => (b ? 'True' : 'False');
    return `${this.numFeatures}, eps=${pyNumber(this.eps)}, momentum=${this.momentum ?? 'None'}, affine=${cap(this.affine)}, track_running_stats=${cap(this.trackRunningStats)}`;
  }
}
