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
 * or throws an Error naming the input and element with the worst mismatch.
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
    throw new Error(`gradcheck: input ${worst.input} (shape ${shape}) element ${worst.index}: numeric gradient ${worst.numeric} vs analytic ${worst.analytic}; expected |numeric - analytic| <= ${atol} + ${rtol} * |numeric| (eps ${eps})`);
  }
  return true;
}
