import { fail } from '@tapegrad/tensor';
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

  protected update(p: Float32Array, grad: Float32Array, s: SGDState, o: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay: wd, nesterov } = o;
    const sign = o.maximize ? -1 : 1;
    const n = p.length;
    if (momentum === 0) {
      for (let i = 0; i < n; i++) p[i] = p[i]! - lr * (sign * grad[i]! + wd * p[i]!);
      return;
    }
    let buf = s.momentumBuffer;
    const first = buf === undefined;
    if (!buf) buf = s.momentumBuffer = new Float32Array(n);
    const keep = 1 - dampening;
    for (let i = 0; i < n; i++) {
      const g = sign * grad[i]! + wd * p[i]!;
      const b = Math.fround(first ? g : momentum * buf[i]! + keep * g);
      buf[i] = b;
      p[i] = p[i]! - lr * (nesterov ? g + momentum * b : b);
    }
  }
}
