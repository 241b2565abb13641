import { Tensor, Generator, randn, formatShape } from '@tapegrad/tensor';
import { Variable } from './Variable.js';
import { noGrad } from './gradMode.js';

export interface GradcheckOptions {
  /** Central-difference step. @default 1e-2 (float32 data) */
  eps?: number;
  /** @default 1e-2 */
  atol?: number;
  /** @default 1e-2 */
  rtol?: number;
  /** Seed of the random upstream gradient. @default 0 */
  seed?: number;
}

type Output = Variable | readonly [Variable, ...unknown[]];

function first(out: Output): Variable {
  return out instanceof Variable ? out : out[0];
}

/** Flat storage positions of a tensor's elements, in row-major order. */
function positions(t: Tensor): Int32Array {
  const pos = new Int32Array(t.size);
  const idx = new Array<number>(t.ndim).fill(0);
  for (let i = 0; i < t.size; i++) {
    let p = t.offset;
    for (let d = 0; d < t.ndim; d++) p += idx[d]! * t.strides[d]!;
    pos[i] = p;
    for (let d = t.ndim - 1; d >= 0; d--) {
      if (++idx[d]! < t.shape[d]!) break;
      idx[d] = 0;
    }
  }
  return pos;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Compares the analytic gradient of `sum(fn(...inputs) * u)` (u a fixed random upstream gradient)
 * with central differences, element by element, for every input that requires grad. Returns true
 * or throws an Error naming the input and element with the worst mismatch; when the one-sided
 * differences at that element disagree, the error says the function is not smooth within `eps`
 * there (a kink or a tie) and what to change.
 *
 * Float32 limits. Tensors hold float32 (about 7 significant digits), so the defaults are far
 * coarser than PyTorch's float64 gradcheck (eps 1e-6, atol 1e-5): a difference quotient carries a
 * rounding error of about 1e-7 * |f| / eps, which a smaller eps amplifies (eps 1e-4 already gives
 * errors near 1e-3 * |f|), and a truncation error of about eps^2 * f''' / 6, which a larger eps
 * amplifies. eps 1e-2 with atol = rtol = 1e-2 balances the two for values of order 1; scale the
 * inputs to that order, or loosen the tolerances. Because eps is that large, every kink or tie
 * within eps of an input element breaks the check: relu, abs or norm at 0, clamp at a bound, two
 * values of a max/max-pool window within 2 * eps of each other (random inputs in [0, 1) often
 * have such pairs), a sort order. Test with well-separated values (e.g. a shuffled grid with steps
 * above 2 * eps) or, where that is impossible, a smaller eps (down to about 1e-3) with looser
 * tolerances.
 */
export function gradcheck(fn: (...inputs: Variable[]) => Output, inputs: Variable[], opts: GradcheckOptions = {}): true {
  const eps = opts.eps ?? 1e-2, atol = opts.atol ?? 1e-2, rtol = opts.rtol ?? 1e-2;
  const saved = inputs.map((v) => v.grad);
  inputs.forEach((v) => { v.grad = null; });
  const out = first(fn(...inputs));
  const u = randn(out.shape, { generator: new Generator(opts.seed ?? 0) });
  out.backward(u);
  const analytic = inputs.map((v) => (v.grad ? v.grad.toArray() : new Float32Array(v.data.size)));
  inputs.forEach((v, i) => { v.grad = saved[i]!; });
  const uFlat = u.toArray();
  const evaluate = (): number => dot(first(fn(...inputs)).data.toArray(), uFlat);
  let worst = { excess: 0, input: -1, index: -1, numeric: 0, analytic: 0 };
  noGrad(() => {
    inputs.forEach((v, k) => {
      if (!v.requiresGrad) return;
      const t = v.data, pos = positions(t);
      for (let i = 0; i < t.size; i++) {
        const p = pos[i]!, orig = t.data[p]!;
        t.data[p] = orig + eps;
        const plus = evaluate();
        t.data[p] = orig - eps;
        const minus = evaluate();
        t.data[p] = orig;
        const numeric = (plus - minus) / (2 * eps);
        const a = analytic[k]![i]!;
        const excess = Math.abs(numeric - a) - (atol + rtol * Math.abs(numeric));
        const bad = Number.isNaN(excess) ? Infinity : excess;
        if (bad > worst.excess) worst = { excess: bad, input: k, index: i, numeric, analytic: a };
      }
    });
  });
  if (worst.input >= 0) {
    const shape = formatShape(inputs[worst.input]!.shape);
    const sides = noGrad(() => oneSided(inputs[worst.input]!.data, worst.index, eps, evaluate));
    const tolerance = atol + rtol * Math.max(Math.abs(sides.forward), Math.abs(sides.backward));
    const kink = Math.abs(sides.forward - sides.backward) > tolerance
      ? `; the one-sided differences disagree (forward ${sides.forward}, backward ${sides.backward}), so the function is not smooth within eps of this element (a kink or a tie, e.g. two values of a max-pool window within 2 * eps): use well-separated input values or a smaller eps`
      : '';
    throw new Error(`gradcheck: input ${worst.input} (shape ${shape}) element ${worst.index}: numeric gradient ${worst.numeric} vs analytic ${worst.analytic}; expected |numeric - analytic| <= ${atol} + ${rtol} * |numeric| (eps ${eps})${kink}`);
  }
  return true;
}

/** (f(x + eps) - f(x)) / eps and (f(x) - f(x - eps)) / eps at element `index` of `t`. */
function oneSided(t: Tensor, index: number, eps: number, evaluate: () => number): { forward: number; backward: number } {
  const p = positions(t)[index]!, orig = t.data[p]!;
  const center = evaluate();
  t.data[p] = orig + eps;
  const plus = evaluate();
  t.data[p] = orig - eps;
  const minus = evaluate();
  t.data[p] = orig;
  return { forward: (plus - center) / eps, backward: (center - minus) / eps };
}
