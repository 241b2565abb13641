import { fail, getBackend } from '@tapegrad/tensor';
import { Optimizer, expectNonNegative, type ParamGroup, type ParamsInput } from './Optimizer.js';

export interface SGDOptions {
  /** Learning rate. @default 0.001 (PyTorch 1.13 requires it; the recipe uses 0.1) */
  lr: number;
  /** @default 0 */
  momentum: number;
  /** @default 0 */
  dampening: number;
  /** @default 0 */
  weightDecay: number;
  /** @default false */
  nesterov: boolean;
  /** Ascend instead of descend. @default false */
  maximize: boolean;
}

type SGDState = { momentumBuffer?: Float32Array };

/**
 * Stochastic gradient descent, PyTorch 1.13's rule: `g = grad + wd p`; with momentum
 * `buf = g` at the first step, then `buf = momentum buf + (1 - dampening) g`; Nesterov uses
 * `g + momentum buf`, plain momentum `buf`; `p -= lr * that`.
 */
export class SGD extends Optimizer<SGDOptions, SGDState> {
  constructor(params: ParamsInput<SGDOptions>, opts: Partial<SGDOptions> = {}) {
    super('SGD', params, {
      lr: opts.lr ?? 1e-3, momentum: opts.momentum ?? 0, dampening: opts.dampening ?? 0,
      weightDecay: opts.weightDecay ?? 0, nesterov: opts.nesterov ?? false, maximize: opts.maximize ?? false,
    });
  }

  protected validate(o: SGDOptions): void {
    expectNonNegative('SGD', 'lr', o.lr);
    expectNonNegative('SGD', 'momentum', o.momentum);
    expectNonNegative('SGD', 'weightDecay', o.weightDecay);
    if (typeof o.dampening !== 'number' || !Number.isFinite(o.dampening)) fail('SGD', `dampening ${String(o.dampening)} must be a finite number`);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      fail('SGD', `nesterov with momentum ${o.momentum} and dampening ${o.dampening} is not defined; expected momentum > 0 and dampening 0`);
    }
  }

  protected initState(): SGDState {
    return {};
  }

  protected override get usesKernels(): boolean {
    return true;
  }

  protected update(p: Float32Array, grad: Float32Array, s: SGDState, o: ParamGroup<SGDOptions>): void {
    const first = o.momentum !== 0 && s.momentumBuffer === undefined;
    if (first) s.momentumBuffer = new Float32Array(p.length);
    const opts = { lr: o.lr, momentum: o.momentum, dampening: o.dampening, weightDecay: o.weightDecay, nesterov: o.nesterov, maximize: o.maximize };
    getBackend().sgdUpdate(p, grad, o.momentum === 0 ? null : s.momentumBuffer!, p.length, opts, first);
  }
}
