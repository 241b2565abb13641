import { Tensor, arange, kernels, fail, formatShape, isInt, shapesEqual } from '@tapegrad/tensor';
import { Variable, mul, sum, div, neg, asVariable, type Input } from '@tapegrad/autograd';
import { checkReduction, type Reduction } from './reduction.js';

export interface NllLossOptions {
  /** Per-class weight, shape [C]. */
  weight?: Tensor;
  /** Class index whose samples contribute nothing (not even to the mean's denominator). @default -100 */
  ignoreIndex?: number;
  /** @default 'mean' */
  reduction?: Reduction;
}

/**
 * input log-probabilities (N, C) | (C) | (N, C, d1, ...), target class indices (N) | () | (N, d1, ...)
 * -> loss: () for 'mean'/'sum', the target's shape for 'none'. loss_i = -w[y_i] * input[i, y_i];
 * 'mean' divides by the sum of the weights of the samples not ignored, as PyTorch.
 */
export function nllLoss(input: Input, target: Tensor, opts: NllLossOptions = {}): Variable {
  const s = input.shape;
  if (s.length < 1) fail('nllLoss', `input shape ${formatShape(s)} has rank 0; expected (N, C) or (C)`);
  const reduction = checkReduction('nllLoss', opts.reduction);
  const C = s.length === 1 ? s[0]! : s[1]!;
  const w = opts.weight;
  if (w && (w.shape.length !== 1 || w.shape[0] !== C)) fail('nllLoss', `weight shape ${formatShape(w.shape)} does not match ${C} classes; expected [${C}]`);
  const perSample = s.length === 1 ? [] : [s[0]!, ...s.slice(2)];
  if (!shapesEqual(target.shape, perSample)) {
    fail('nllLoss', `target shape ${formatShape(target.shape)} does not fit input ${formatShape(s)}; expected class indices of shape ${formatShape(perSample)}`);
  }
  const ignore = opts.ignoreIndex ?? -100;
  const tv = target.values();
  for (let i = 0; i < tv.length; i++) {
    const c = tv[i]!;
    if (c !== ignore && (!isInt(c) || c < 0 || c >= C)) {
      fail('nllLoss', `target ${c} at index ${i} is out of range; expected a class index in [0, ${C - 1}]${ignore < 0 || ignore >= C ? ` or ignoreIndex ${ignore}` : ''}`);
    }
  }
  // Classes last: (M, C) rows against a (M, 1) column of targets.
  let v = asVariable(input);
  if (s.length === 1) v = v.reshape([1, C]);
  else if (s.length > 2) v = v.permute([0, ...s.slice(2).map((_, i) => i + 2), 1]).reshape([-1, C]);
  const M = v.shape[0]!;
  const col = target.reshape([M, 1]);
  const onehot = kernels.binary('eq', arange(C).reshape([1, C]), col);
  const keep = kernels.binary('ne', col, new Tensor(Float32Array.of(ignore), []));
  let pick = kernels.binary('mul', onehot, keep); // (M, C): w[y] at y, 0 elsewhere and on ignored rows
  if (w) pick = kernels.binary('mul', pick, w.reshape([1, C]));
  const loss = neg(sum(mul(v, pick), 1)); // (M)
  if (reduction === 'none') return loss.reshape(perSample);
  const total = sum(loss);
  return reduction === 'sum' ? total : div(total, kernels.reduce('sum', pick).item());
}
