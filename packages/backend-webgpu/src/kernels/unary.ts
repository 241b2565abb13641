// unary: every UnaryOp of CoreKernels, and reluBackward. Shapes: x (n) -> out (n), contiguous
// from an element offset in x.
//
// Semantics follow the CPU backend (packages/tensor/src/backend/cpu/unary.ts) including NaN, ±0
// and infinities, computed in float32 (the CPU backend computes in float64 and rounds once):
// special values are decided on the bits (is_nan, is_inf) rather than by float compares, pow has
// JavaScript's Math.pow special cases, tanh / elu / gelu avoid the cancellations a plain float32
// formula has near 0 (Cephes' tanhf polynomial, a Taylor expm1, erfc for gelu's negative side).
// Where WGSL cannot match: denormal inputs and results may be flushed to zero by the GPU.
import type { UnaryOp } from '@tapegrad/tensor';
import type { KernelRunner, KernelSpec } from '../runner.js';
import { SPECIALS, WG, main1d, paramsDecl, pf, pi, storage } from '../wgsl.js';

/** Float32 math with JavaScript's special cases (see the file comment). */
export const MATH = `
fn exp_s(v: f32) -> f32 {
  if (is_nan(v)) { return v; }
  if (v > 88.8) { return inf_f32(); }
  if (v < -104.0) { return 0.0; }
  return exp(v);
}
// x = m 2^e with m in [sqrt(1/2), sqrt 2), for finite x > 0: returns (e, ln m), ln m from the
// atanh series of s = (m - 1) / (m + 1). Relative accuracy holds near x = 1, where the builtin
// log / log2 only promise an absolute 2^-21 (llvmpipe's log2(0.99) is off by 1e-5 relative).
fn split_log(x: f32) -> vec2<f32> {
  var v = x;
  var e = 0;
  if (v < 1.17549435e-38) { v = v * 8388608.0; e = -23; }
  let bits = bitcast<u32>(v);
  e += i32((bits >> 23u) & 0xffu) - 127;
  var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  if (m > 1.41421356) { m = m * 0.5; e += 1; }
  let s = (m - 1.0) / (m + 1.0);
  let z = s * s;
  return vec2<f32>(f32(e), 2.0 * s * (1.0 + z * (0.33333333 + z * (0.2 + z * (0.14285715 + z * 0.11111111)))));
}
fn log_s(v: f32) -> f32 {
  if (is_nan(v) || v < 0.0) { return nan_f32(); }
  if (v == 0.0) { return -inf_f32(); }
  if (is_inf(v)) { return v; }
  let p = split_log(v);
  return (p.y + p.x * 1.42860677e-6) + p.x * 0.693145752; // e ln 2 in two parts
}
fn sqrt_s(v: f32) -> f32 {
  if (is_nan(v) || v < 0.0) { return nan_f32(); }
  if (v == 0.0 || is_inf(v)) { return v; }
  return sqrt(v);
}
// exp(v) - 1 without the cancellation near 0: Taylor to degree 9 on |v| < 0.5
fn expm1_s(v: f32) -> f32 {
  if (abs(v) < 0.5) {
    return v * (1.0 + v * (0.5 + v * (1.6666667e-1 + v * (4.1666668e-2 + v * (8.3333338e-3 + v * (1.3888889e-3
      + v * (1.9841270e-4 + v * (2.4801587e-5 + v * 2.7557319e-6))))))));
  }
  return exp_s(v) - 1.0;
}
// Cephes tanhf: an odd polynomial below 0.625, 1 - 2 / (exp(2|v|) + 1) above
fn tanh_s(v: f32) -> f32 {
  let a = abs(v);
  if (a < 0.625) {
    let z = v * v;
    return ((((-5.70498872745e-3 * z + 2.06390887954e-2) * z - 5.37397155531e-2) * z + 1.33314422036e-1) * z
      - 3.33332819422e-1) * z * v + v;
  }
  if (is_nan(v)) { return v; }
  if (a > 44.0) { return with_sign_of(1.0, v); }
  return with_sign_of(1.0 - 2.0 / (exp_s(2.0 * a) + 1.0), v);
}
// erfc(a) for a >= 0 (the Numerical Recipes Chebyshev fit the CPU backend's erf uses), 0 past 6
fn erfc_pos(a: f32) -> f32 {
  if (a > 6.0) { return 0.0; }
  let t = 1.0 / (1.0 + 0.5 * a);
  return t * exp_s(-a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
    + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
    + t * (-0.82215223 + t * 0.17087277)))))))));
}
// Math.pow(x, y): pow(x, ±0) = 1, NaN otherwise NaN, pow(±1, ±inf) = NaN, signed zeros and
// infinities for x = ±0 / ±inf, NaN for a negative x and a non-integer y
fn pow_js(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (is_nan(x) || is_nan(y)) { return nan_f32(); }
  if (y == 1.0) { return x; }
  if (y == 2.0) { return x * x; }
  let ax = abs(x);
  if (is_inf(y)) {
    if (ax == 1.0) { return nan_f32(); }
    if ((ax > 1.0) == (y > 0.0)) { return inf_f32(); }
    return 0.0;
  }
  let yint = floor(y) == y;
  let odd = yint && abs(y) < 16777216.0 && (y - 2.0 * floor(y * 0.5)) != 0.0;
  if (ax == 0.0 || is_inf(x)) {
    var m = 0.0;
    if ((ax == 0.0) == (y < 0.0)) { m = inf_f32(); }
    if (odd) { return with_sign_of(m, x); }
    return m;
  }
  if (x < 0.0 && !yint) { return nan_f32(); }
  let l = split_log(ax);
  let t = y * (l.x + l.y * 1.44269504);
  let r = exp2(t);
  if (x < 0.0 && odd) { return -r; }
  return r;
}
`;

/** The WGSL body of `fn op(v: f32) -> f32` per op; `a` and `b` are the op's parameters. */
const OPS: Record<UnaryOp, string> = {
  neg: 'return -v;',
  exp: 'return exp_s(v);',
  log: 'return log_s(v);',
  sqrt: 'return sqrt_s(v);',
  rsqrt: 'if (v == 0.0) { return with_sign_of(inf_f32(), v); } if (is_inf(v) && v > 0.0) { return 0.0; } return 1.0 / sqrt_s(v);',
  abs: 'return bitcast<f32>(bitcast<u32>(v) & 0x7fffffffu);',
  sign: 'if (is_nan(v)) { return 0.0; } if (v > 0.0) { return 1.0; } if (v < 0.0) { return -1.0; } return 0.0;',
  relu: 'if (is_nan(v) || v > 0.0) { return v; } return 0.0;',
  sigmoid: 'if (is_nan(v)) { return v; } if (v >= 0.0) { return 1.0 / (1.0 + exp_s(-v)); } let e = exp_s(v); return e / (1.0 + e);',
  tanh: 'return tanh_s(v);',
  square: 'return v * v;',
  reciprocal: 'if (v == 0.0) { return with_sign_of(inf_f32(), v); } if (is_inf(v)) { return with_sign_of(0.0, v); } return 1.0 / v;',
  powScalar: 'return pow_js(v, a);',
  rpowScalar: 'return pow_js(a, v);',
  // NaN travels; min first, then max (PyTorch's order)
  clamp: 'if (is_nan(v)) { return v; } var r = v; if (r < a) { r = a; } if (r > b) { r = b; } return r;',
  leakyRelu: 'if (is_nan(v) || v > 0.0) { return v; } return v * a;',
  elu: 'if (is_nan(v) || v > 0.0) { return v; } return a * expm1_s(v);',
  // 0.5 v (1 + erf(v / sqrt 2)), with 1 + erf(x) = erfc(-x) for x < 0 (no cancellation)
  gelu: 'if (is_nan(v)) { return v; } let x = v * 0.70710678118654752; let y = erfc_pos(abs(x)); if (x >= 0.0) { return 0.5 * v * (2.0 - y); } return 0.5 * v * y;',
  floor: 'return floor(v);',
  ceil: 'return ceil(v);',
  round: 'return round(v);', // WGSL's round is half to even, as torch.round
  isnan: 'if (is_nan(v)) { return 1.0; } return 0.0;',
  addScalar: 'return v + a;',
  mulScalar: 'return v * a;',
};

const specs = new Map<UnaryOp, KernelSpec>();
function unarySpec(op: UnaryOp): KernelSpec {
  let s = specs.get(op);
  if (s === undefined) {
    s = {
      key: `unary:${op}`,
      wgsl: () => `${paramsDecl(2, 2)}${storage(1, 'x', false)}${storage(2, 'out', true)}${SPECIALS}${MATH}
fn op(v: f32) -> f32 {
  let a = ${pf(0)};
  let b = ${pf(1)};
  ${OPS[op]}
}
${main1d()}  if (p >= ${pi(1)}) { return; }
  out[p] = op(x[${pi(0)} + p]);
}
`,
    };
    specs.set(op, s);
  }
  return s;
}

/** out[i] = op(x[xOffset + i]) for i < n; `a`, `b` are the op's parameters (powScalar's exponent, clamp's bounds, ...). */
export function unary(r: KernelRunner, op: UnaryOp, x: GPUBuffer, xOffset: number, n: number, out: GPUBuffer, a: number, b: number): void {
  if (n === 0) return;
  r.run(unarySpec(op), { buffers: [x, out], floats: [a, b], ints: [xOffset, n], workgroups: r.grid(Math.ceil(n / WG)) });
}

const reluBackwardSpec: KernelSpec = {
  key: 'reluBackward',
  wgsl: () => `${paramsDecl(0, 3)}${storage(1, 'y', false)}${storage(2, 'g', false)}${storage(3, 'gx', true)}${SPECIALS}
${main1d()}  if (p >= ${pi(2)}) { return; }
  let o = y[${pi(0)} + p];
  // out <= 0 blocks the gradient; a NaN output passes it (PyTorch's threshold_backward)
  if (o > 0.0 || is_nan(o)) { gx[p] = g[${pi(1)} + p]; } else { gx[p] = 0.0; }
}
`,
};

/** ReLU's backward over n elements: gx[i] = out[outOffset + i] <= 0 ? 0 : g[gOffset + i]. */
export function reluBackward(r: KernelRunner, out: GPUBuffer, outOffset: number, g: GPUBuffer, gOffset: number, n: number, gx: GPUBuffer): void {
  if (n === 0) return;
  r.run(reluBackwardSpec, { buffers: [out, g, gx], ints: [outOffset, gOffset, n], workgroups: r.grid(Math.ceil(n / WG)) });
}
