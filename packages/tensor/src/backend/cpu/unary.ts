import type { UnaryOp } from '../CoreKernels.js';

const SQRT_HALF = Math.SQRT1_2;

/** erf with relative error below 1.2e-7 everywhere (the Chebyshev fit of erfc in Numerical Recipes), enough for float32. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax > 6) return x > 0 ? 1 : -1;
  const t = 1 / (1 + 0.5 * ax);
  const y = t * Math.exp(-ax * ax - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
    t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - y : y - 1;
}

// One loop per op with the switch outside, so each loop body is monomorphic.
export function unary(op: UnaryOp, x: Float32Array, xo: number, n: number, out: Float32Array, a: number, b: number): void {
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) out[i] = -x[xo + i]!; return;
    case 'exp': for (let i = 0; i < n; i++) out[i] = Math.exp(x[xo + i]!); return;
    case 'log': for (let i = 0; i < n; i++) out[i] = Math.log(x[xo + i]!); return;
    case 'sqrt': for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[xo + i]!); return;
    case 'rsqrt': for (let i = 0; i < n; i++) out[i] = 1 / Math.sqrt(x[xo + i]!); return;
    case 'abs': for (let i = 0; i < n; i++) out[i] = Math.abs(x[xo + i]!); return;
    // sign(NaN) = 0 and sign(-0) = 0, as PyTorch's (0 < x) - (x < 0); abs and norm backward rely on it
    case 'sign': for (let i = 0; i < n; i++) { const v = x[xo + i]!; out[i] = v > 0 ? 1 : v < 0 ? -1 : 0; } return;
    case 'relu': for (let i = 0; i < n; i++) { const v = x[xo + i]!; out[i] = v > 0 ? v : v !== v ? v : 0; } return;
    case 'sigmoid': for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-x[xo + i]!)); return;
    case 'tanh': for (let i = 0; i < n; i++) out[i] = Math.tanh(x[xo + i]!); return;
    case 'square': for (let i = 0; i < n; i++) { const v = x[xo + i]!; out[i] = v * v; } return;
    case 'reciprocal': for (let i = 0; i < n; i++) out[i] = 1 / x[xo + i]!; return;
    case 'powScalar': for (let i = 0; i < n; i++) out[i] = Math.pow(x[xo + i]!, a); return;
    case 'rpowScalar': for (let i = 0; i < n; i++) out[i] = Math.pow(a, x[xo + i]!); return;
    case 'clamp':
      // NaN travels; bounds apply in PyTorch's order (min first, then max).
      for (let i = 0; i < n; i++) { let v = x[xo + i]!; if (v < a) v = a; if (v > b) v = b; out[i] = v; }
      return;
    case 'leakyRelu': for (let i = 0; i < n; i++) { const v = x[xo + i]!; out[i] = v > 0 ? v : v * a; } return;
    case 'elu': for (let i = 0; i < n; i++) { const v = x[xo + i]!; out[i] = v > 0 ? v : a * (Math.exp(v) - 1); } return;
    case 'gelu': for (let i = 0; i < n; i++) { const v = x[xo + i]!; out[i] = 0.5 * v * (1 + erf(v * SQRT_HALF)); } return;
    case 'floor': for (let i = 0; i < n; i++) out[i] = Math.floor(x[xo + i]!); return;
    case 'ceil': for (let i = 0; i < n; i++) out[i] = Math.ceil(x[xo + i]!); return;
    case 'round':
      // round half to even, as torch.round
      for (let i = 0; i < n; i++) { const v = x[xo + i]!; const r = Math.round(v); out[i] = (r - v === 0.5 && r % 2 !== 0) ? r - 1 : r; }
      return;
    case 'isnan': for (let i = 0; i < n; i++) { const v = x[xo + i]!; out[i] = v !== v ? 1 : 0; } return;
    case 'addScalar': for (let i = 0; i < n; i++) out[i] = x[xo + i]! + a; return;
    case 'mulScalar': for (let i = 0; i < n; i++) out[i] = x[xo + i]! * a; return;
  }
}

/**
 * gx[i] = out[i] <= 0 ? 0 : g[i], branch-free on the bits (a random sign pattern would mispredict
 * half the branches): the mask is 0 where out <= 0 and all ones elsewhere, NaN included.
 */
export function reluBackward(out: Float32Array, oo: number, g: Float32Array, go: number, n: number, gx: Float32Array): void {
  const gi = new Int32Array(g.buffer, g.byteOffset, g.length), xi = new Int32Array(gx.buffer, gx.byteOffset, gx.length);
  for (let i = 0; i < n; i++) xi[i] = gi[go + i]! & ((((out[oo + i]! <= 0) as unknown as number) | 0) - 1);
}
