import { getBackend } from '@tapegrad/tensor';
import { Optimizer, expectNonNegative, type ParamGroup, type ParamsInput } from './Optimizer.js';

export interface RMSpropOptions {
  /** @default 0.01 */
  lr: number;
  /** Smoothing constant of the squared-gradient average. @default 0.99 */
  alpha: number;
  /** @default 1e-8 */
  eps: number;
  /** @default 0 */
  weightDecay: number;
  /** @default 0 */
  momentum: number;
  /** Normalise by the centred variance (subtract the squared mean gradient). @default false */
  centered: boolean;
  /** @default false */
  maximize: boolean;
}

type RMSpropState = { step: number; squareAvg: Float32Array; gradAvg?: Float32Array; momentumBuffer?: Float32Array };

/**
 * RMSprop (PyTorch 1.13): `g += wd p`, `sq = alpha sq + (1-alpha) g^2`, centred:
 * `avg = sqrt(sq - ga^2) + eps` with `ga = alpha ga + (1-alpha) g`, else `sqrt(sq) + eps`;
 * with momentum `buf = momentum buf + g / avg`, `p -= lr buf`, else `p -= lr g / avg`.
 */
export class RMSprop extends Optimizer<RMSpropOptions, RMSpropState> {
  constructor(params: ParamsInput<RMSpropOptions>, opts: Partial<RMSpropOptions> = {}) {
    super('RMSprop', params, {
      lr: opts.lr ?? 1e-2, alpha: opts.alpha ?? 0.99, eps: opts.eps ?? 1e-8, weightDecay: opts.weightDecay ?? 0,
      momentum: opts.momentum ?? 0, centered: opts.centered ?? false, maximize: opts.maximize ?? false,
    });
  }

  protected validate(o: RMSpropOptions): void {
    expectNonNegative('RMSprop', 'lr', o.lr);
    expectNonNegative('RMSprop', 'alpha', o.alpha);
    expectNonNegative('RMSprop', 'eps', o.eps);
    expectNonNegative('RMSprop', 'weightDecay', o.weightDecay);
    expectNonNegative('RMSprop', 'momentum', o.momentum);
  }

  protected initState(size: number, o: ParamGroup<RMSpropOptions>): RMSpropState {
    const s: RMSpropState = { step: 0, squareAvg: new Float32Array(size) };
    if (o.momentum > 0) s.momentumBuffer = new Float32Array(size);
    if (o.centered) s.gradAvg = new Float32Array(size);
    return s;
  }

  protected override get usesKernels(): boolean {
    return true;
  }

  protected update(p: Float32Array, grad: Float32Array, s: RMSpropState, o: ParamGroup<RMSpropOptions>): void {
    s.step++;
    const ga = o.centered ? (s.gradAvg ??= new Float32Array(p.length)) : null;
    const buf = o.momentum > 0 ? (s.momentumBuffer ??= new Float32Array(p.length)) : null;
    getBackend().rmspropUpdate(p, grad, s.squareAvg, ga, buf, p.length,
      { lr: o.lr, alpha: o.alpha, eps: o.eps, weightDecay: o.weightDecay, momentum: o.momentum, maximize: o.maximize });
  }
}
