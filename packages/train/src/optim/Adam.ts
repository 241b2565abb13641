import { fail } from '@tapegrad/tensor';
import { Optimizer, expectNonNegative, type ParamGroup, type ParamsInput } from './Optimizer.js';

export interface AdamOptions {
  /** @default 0.001 */
  lr: number;
  /** Decay rates of the first and second moment averages. @default [0.9, 0.999] */
  betas: readonly [number, number];
  /** @default 1e-8 */
  eps: number;
  /** L2 penalty added to the gradient (Adam) or decoupled decay (AdamW). @default 0 (Adam), 0.01 (AdamW) */
  weightDecay: number;
  /** Use the running maximum of the second moment (AMSGrad). @default false */
  amsgrad: boolean;
  /** @default false */
  maximize: boolean;
}

export type AdamState = { step: number; expAvg: Float32Array; expAvgSq: Float32Array; maxExpAvgSq?: Float32Array };

function validateAdam(fn: string, o: AdamOptions): void {
  expectNonNegative(fn, 'lr', o.lr);
  expectNonNegative(fn, 'eps', o.eps);
  expectNonNegative(fn, 'weightDecay', o.weightDecay);
  const b = o.betas as unknown;
  if (!Array.isArray(b) || b.length !== 2 || !b.every((v) => typeof v === 'number' && v >= 0 && v < 1)) {
    fail(fn, `betas ${JSON.stringify(b)} is out of range; expected two numbers in [0, 1)`);
  }
}

/**
 * The shared Adam step (PyTorch 1.13): `m = b1 m + (1-b1) g`, `v = b2 v + (1-b2) g^2`,
 * `p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)`, `v` replaced by its running
 * maximum with amsgrad. `decoupled` (AdamW) first scales `p` by `1 - lr wd`; otherwise `g += wd p`.
 */
function adamUpdate(p: Float32Array, grad: Float32Array, s: AdamState, o: AdamOptions, decoupled: boolean): void {
  const { lr, eps, weightDecay: wd, amsgrad } = o;
  const [b1, b2] = o.betas;
  const sign = o.maximize ? -1 : 1;
  const t = ++s.step;
  const stepSize = lr / (1 - b1 ** t);
  const bc2Sqrt = Math.sqrt(1 - b2 ** t);
  const m = s.expAvg, v = s.expAvgSq;
  const vmax = amsgrad ? (s.maxExpAvgSq ??= new Float32Array(p.length)) : null;
  const decay = decoupled ? 1 - lr * wd : 1;
  const l2 = decoupled ? 0 : wd;
  for (let i = 0; i < p.length; i++) {
    const pi = decay * p[i]!;
    const g = sign * grad[i]! + l2 * pi;
    const mi = Math.fround(b1 * m[i]! + (1 - b1) * g);
    const vi = Math.fround(b2 * v[i]! + (1 - b2) * g * g);
    m[i] = mi;
    v[i] = vi;
    let denomV = vi;
    if (vmax) { if (vi > vmax[i]! || Number.isNaN(vi)) vmax[i] = vi; denomV = vmax[i]!; }
    p[i] = pi - stepSize * mi / (Math.sqrt(denomV) / bc2Sqrt + eps);
  }
}

/** Adam (PyTorch 1.13): adaptive moments with bias correction; weight decay as an L2 term on the gradient. */
export class Adam extends Optimizer<AdamOptions, AdamState> {
  constructor(params: ParamsInput<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super('Adam', params, {
      lr: opts.lr ?? 1e-3, betas: opts.betas ?? [0.9, 0.999], eps: opts.eps ?? 1e-8,
      weightDecay: opts.weightDecay ?? 0, amsgrad: opts.amsgrad ?? false, maximize: opts.maximize ?? false,
    });
  }

  protected validate(o: AdamOptions): void { validateAdam('Adam', o); }

  protected initState(size: number): AdamState {
    return { step: 0, expAvg: new Float32Array(size), expAvgSq: new Float32Array(size) };
  }

  protected update(p: Float32Array, g: Float32Array, s: AdamState, o: ParamGroup<AdamOptions>): void {
    adamUpdate(p, g, s, o, false);
  }
}

/** AdamW (PyTorch 1.13): Adam with decoupled weight decay `p *= 1 - lr wd` before the step. */
export class AdamW extends Optimizer<AdamOptions, AdamState> {
  constructor(params: ParamsInput<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super('AdamW', params, {
      lr: opts.lr ?? 1e-3, betas: opts.betas ?? [0.9, 0.999], eps: opts.eps ?? 1e-8,
      weightDecay: opts.weightDecay ?? 1e-2, amsgrad: opts.amsgrad ?? false, maximize: opts.maximize ?? false,
    });
  }

  protected validate(o: AdamOptions): void { validateAdam('AdamW', o); }

  protected initState(size: number): AdamState {
    return { step: 0, expAvg: new Float32Array(size), expAvgSq: new Float32Array(size) };
  }

  protected update(p: Float32Array, g: Float32Array, s: AdamState, o: ParamGroup<AdamOptions>): void {
    adamUpdate(p, g, s, o, true);
  }
}
