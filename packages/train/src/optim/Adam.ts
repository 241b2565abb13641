import { fail, getBackend } from '@tapegrad/tensor';
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

/** The shared Adam / AdamW step (the backend's adamUpdate): counts the step and makes AMSGrad's buffer on first use. */
function adamUpdate(p: Float32Array, grad: Float32Array, s: AdamState, o: AdamOptions, decoupled: boolean): void {
  const t = ++s.step;
  const vmax = o.amsgrad ? (s.maxExpAvgSq ??= new Float32Array(p.length)) : null;
  getBackend().adamUpdate(p, grad, s.expAvg, s.expAvgSq, vmax, p.length,
    { lr: o.lr, betas: o.betas, eps: o.eps, weightDecay: o.weightDecay, maximize: o.maximize, decoupled }, t);
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

  protected override get usesKernels(): boolean {
    return true;
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

  protected override get usesKernels(): boolean {
    return true;
  }

  protected update(p: Float32Array, g: Float32Array, s: AdamState, o: ParamGroup<AdamOptions>): void {
    adamUpdate(p, g, s, o, true);
  }
}
