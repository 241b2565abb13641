import { Tensor, arange, kernels, fail, formatShape, shapesEqual, isInt } from '@tapegrad/tensor';
import { Variable, logSoftmax, mul, sum, div, neg, add } from '@tapegrad/autograd';

export type Reduction = 'mean' | 'sum' | 'none';

export interface CrossEntropyOptions {
  /** @default 'mean' */
  reduction?: Reduction;
  /** Mixes the target with the uniform distribution: (1 - s) * target + s / C. @default 0 */
  labelSmoothing?: number;
  /** Per-class weight, shape [C]. */
  weight?: Tensor;
  /** Class index whose samples are skipped (index targets only). @default -100 */
  ignoreIndex?: number;
}

/** (N, C, *) -> (N*, C) with classes last, and the matching flat target. */
function flattenClasses(x: Variable | Tensor): Variable {
  const v = x instanceof Variable ? x : new Variable(x);
  if (v.shape.length === 1) return v.reshape([1, v.shape[0]!]);
  if (v.shape.length === 2) return v;
  const perm = [0, ...v.shape.slice(2).map((_, i) => i + 2), 1];
  return v.permute(perm).reshape([-1, v.shape[1]!]);
}

function checkOptions(o: CrossEntropyOptions, C: number): void {
  const r = o.reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') fail('crossEntropy', `reduction '${String(r)}' is not supported; expected 'mean', 'sum' or 'none'`);
  const s = o.labelSmoothing ?? 0;
  if (typeof s !== 'number' || !(s >= 0 && s <= 1)) fail('crossEntropy', `labelSmoothing ${String(s)} is out of range; expected a number in [0, 1]`);
  if (o.weight && (o.weight.shape.length !== 1 || o.weight.shape[0] !== C)) {
    fail('crossEntropy', `weight shape ${formatShape(o.weight.shape)} does not match ${C} classes; expected [${C}]`);
  }
}

/**
 * logits (N, C) | (C) | (N, C, d1, ...), targets class indices (N) | () | (N, d1, ...) or class
 * probabilities shaped like the logits -> loss: () for 'mean'/'sum', per sample for 'none'.
 * Same formula as PyTorch 1.13, including how weights and ignored samples enter the mean.
 */
export function crossEntropy(logits: Variable | Tensor, targets: Tensor, opts: CrossEntropyOptions = {}): Variable {
  const ls = logits.shape;
  if (ls.length < 1) fail('crossEntropy', `logits shape ${formatShape(ls)} has rank 0; expected (N, C) or (C)`);
  const C = ls.length === 1 ? ls[0]! : ls[1]!;
  checkOptions(opts, C);
  const reduction = opts.reduction ?? 'mean';
  const smoothing = opts.labelSmoothing ?? 0;
  const logp = logSoftmax(flattenClasses(logits), 1); // (M, C)
  const M = logp.shape[0]!;
  const perSampleShape = ls.length === 1 ? [] : [ls[0]!, ...ls.slice(2)];
  const w = opts.weight ? opts.weight.reshape([1, C]) : null;

  if (shapesEqual(targets.shape, ls)) {
    // probability targets
    let t = flattenClasses(targets).data;
    if (smoothing > 0) t = kernels.unary('addScalar', kernels.unary('mulScalar', t, 1 - smoothing), smoothing / C);
    const wt = w ? kernels.binary('mul', t, w) : t;
    const loss = neg(sum(mul(logp, wt), 1)); // (M)
    if (reduction === 'none') return loss.reshape(perSampleShape);
    const total = sum(loss);
    return reduction === 'sum' ? total : div(total, M);
  }

  if (!shapesEqual(targets.shape, perSampleShape)) {
    fail('crossEntropy', `targets shape ${formatShape(targets.shape)} does not fit logits ${formatShape(ls)}; expected class indices of shape ${formatShape(perSampleShape)} or probabilities of shape ${formatShape(ls)}`);
  }
  const ignore = opts.ignoreIndex ?? -100;
  const tv = targets.values();
  const wv = opts.weight ? opts.weight.values() : null;
  // the mean's divisor, sum of w[y] over the targets not ignored: on the host (float64, rounded to
  // float32 as the CPU's reduce kernel gives it), so a GPU backend needs no read inside the step
  let denom = 0;
  for (let i = 0; i < tv.length; i++) {
    const c = tv[i]!;
    if (c === ignore) continue;
    if (!isInt(c) || c < 0 || c >= C) fail('crossEntropy', `target ${c} at index ${i} is out of range; expected a class index in [0, ${C - 1}]${ignore < 0 || ignore >= C ? ` or ignoreIndex ${ignore}` : ''}`);
    denom += wv ? wv[c]! : 1;
  }
  denom = Math.fround(denom);
  const tcol = targets.reshape([M, 1]);
  const onehot = kernels.binary('eq', arange(C).reshape([1, C]), tcol); // (M, C)
  const keep = kernels.binary('ne', tcol, new Tensor(Float32Array.of(ignore), [])); // (M, 1)
  const wRow = w ?? new Tensor(Float32Array.of(1), [1, 1]);
  const pick = kernels.binary('mul', kernels.binary('mul', onehot, keep), wRow); // w[y] at y, 0 if ignored
  let loss = neg(sum(mul(logp, pick), 1)); // (M)
  if (smoothing > 0) {
    const smooth = neg(sum(mul(logp, kernels.binary('mul', keep, wRow).expand([M, C])), 1)); // (M)
    loss = add(mul(loss, 1 - smoothing), mul(smooth, smoothing / C));
  }
  if (reduction === 'none') return loss.reshape(perSampleShape);
  const total = sum(loss);
  if (reduction === 'sum') return total;
  // Every target ignored (or zero total weight): PyTorch's mean is 0/0 = NaN, yet its gradient is 0, not NaN.
  if (denom === 0) return add(mul(total, 0), NaN);
  return div(total, denom);
}
