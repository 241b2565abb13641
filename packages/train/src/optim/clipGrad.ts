import { Tensor, fail } from '@tapegrad/tensor';
import type { Variable } from '@tapegrad/autograd';

export interface ClipGradNormOptions {
  /** Order of the norm; Infinity for the max norm. @default 2 */
  normType?: number;
  /** Throw when the total norm is NaN or infinite. @default false */
  errorIfNonfinite?: boolean;
}

function gradsOf(params: Iterable<Variable> | Variable): Variable[] {
  const list = Symbol.iterator in Object(params) ? [...(params as Iterable<Variable>)] : [params as Variable];
  return list.filter((p) => p.grad !== null);
}

/**
 * Scales the gradients of `params` so that their total norm (the norm of the per-parameter norms)
 * is at most `maxNorm`, as PyTorch 1.13's clip_grad_norm_: the factor is
 * `min(1, maxNorm / (total + 1e-6))`. Returns the total norm before clipping. The `.grad`
 * tensors are replaced by scaled copies (gradients may share storage, so none is written in place).
 */
export function clipGradNorm_(params: Iterable<Variable> | Variable, maxNorm: number, opts: ClipGradNormOptions = {}): number {
  const normType = opts.normType ?? 2;
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) fail('clipGradNorm_', `maxNorm ${String(maxNorm)} must be a non-negative number`);
  if (typeof normType !== 'number' || !(normType > 0)) fail('clipGradNorm_', `normType ${String(normType)} must be a positive number or Infinity`);
  const ps = gradsOf(params);
  if (ps.length === 0) return 0;
  let total = 0;
  if (normType === Infinity) {
    for (const p of ps) for (const v of p.grad!.values()) { const a = Math.abs(v); if (a > total || Number.isNaN(a)) total = a; }
  } else {
    // norm of the per-parameter norms, each rounded to float32 as PyTorch's torch.norm returns them
    let acc = 0;
    for (const p of ps) {
      let s = 0;
      for (const v of p.grad!.values()) s += Math.abs(v) ** normType;
      acc += Math.fround(s ** (1 / normType)) ** normType;
    }
    total = Math.fround(acc ** (1 / normType));
  }
  if (opts.errorIfNonfinite && !Number.isFinite(total)) {
    fail('clipGradNorm_', `the total norm of order ${normType} of the gradients is ${total}; expected a finite norm (or errorIfNonfinite: false)`);
  }
  const coef = Math.min(1, Math.fround(maxNorm / (total + 1e-6)));
  if (coef < 1 || Number.isNaN(coef)) {
    for (const p of ps) {
      const g = p.grad!;
      const src = g.values();
      const out = new Float32Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = src[i]! * coef;
      p.grad = new Tensor(out, g.shape);
    }
  }
  return total;
}

/** Clamps every gradient element of `params` to [-clipValue, clipValue] (replacing the `.grad` tensors). */
export function clipGradValue_(params: Iterable<Variable> | Variable, clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) fail('clipGradValue_', `clipValue ${String(clipValue)} must be a non-negative number`);
  for (const p of gradsOf(params)) {
    const g = p.grad!;
    const src = g.values();
    const out = new Float32Array(src.length);
    for (let i = 0; i < src.length; i++) { const v = src[i]!; out[i] = v > clipValue ? clipValue : v < -clipValue ? -clipValue : v; }
    p.grad = new Tensor(out, g.shape);
  }
}
